"""Bytes to text for corpus documents: byte-order marks, UTF-8, then a real charset detector.

Corpora mix encodings: UTF-8 with and without a byte-order mark, UTF-16 exported from Windows
tools, GB18030/GBK from mainland sites, Big5 from Taiwan and Hong Kong. :func:`decode_bytes`
tries the unambiguous answers first (a byte-order mark, strict UTF-8) and only then asks
charset-normalizer, so a UTF-8 article is never misread as a legacy code page.

A document that is mostly UTF-8 with a few broken bytes (a truncated copy, two files glued
together) is decoded as UTF-8 with U+FFFD in place of each broken sequence and a warning, rather
than handed to the detector, which would read the whole text in a wrong code page.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or a DOCX/XLSX/EPUB file)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Microsoft Office (OLE) file"),
    (b"SQLite format 3\x00", "SQLite database"),
)
# At most one broken stretch of bytes per this many bytes still counts as "UTF-8 with damage".
_DAMAGE_RATIO = 500
_REPLACED_RE = re.compile("\ufffd+")
_SAMPLE = 64 * 1024
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # category Cc except tab, newlines, form feed


class NotTextError(ValueError):
    """The bytes are not a text document; ``kind`` is ``empty``, ``binary`` or ``undecodable``."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded document: its text, the encoding it was read in, and what was replaced.

    ``encoding`` is a Python codec name (``utf-8``, ``utf-16-le``, ``gb18030``, ``big5``);
    ``bom`` tells whether a byte-order mark was dropped; ``replaced`` counts stretches of broken
    bytes that became U+FFFD.
    """

    text: str
    encoding: str
    bom: bool = False
    replaced: int = 0

    @property
    def label(self) -> str:
        """The encoding as reported per document, e.g. ``utf-8``, ``utf-8 (BOM)``, ``gb18030``."""
        return self.encoding + (" (BOM)" if self.bom else "")


def decode_bytes(data: bytes) -> Decoded:
    """Decode a document's bytes, detecting the encoding; raise :class:`NotTextError` if not text.

    >>> decode_bytes("Uyghur".encode()).label
    'utf-8'
    >>> decode_bytes(codecs.BOM_UTF8 + "Uyghur".encode()).label
    'utf-8 (BOM)'
    >>> d = decode_bytes("新疆维吾尔自治区政府新闻办公室举行新闻发布会，介绍维吾尔族群众的情况。".encode("gb18030"))
    >>> d.encoding, d.text[:4]
    ('gb18030', '新疆维吾')
    >>> decode_bytes(b"   ")
    Traceback (most recent call last):
    ...
    termnorm.batch.decoding.NotTextError: empty document
    """
    if not data.strip():
        raise NotTextError("empty", "empty document")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], codec)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise NotTextError("binary", f"binary file ({what})")
    try:
        return _checked(Decoded(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:_SAMPLE]:
        return _wide(data)
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged
    return _detect(data)


def _strict(data: bytes, codec: str) -> Decoded:
    """Text after a byte-order mark: the mark names the encoding, so no guessing."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise NotTextError(
            "undecodable", f"byte-order mark says {codec}, but byte {exc.start} after it is not valid {codec}"
        ) from None
    return _checked(Decoded(text, codec, bom=True))


def _wide(data: bytes) -> Decoded:
    """Text with NUL bytes and no byte-order mark: UTF-16 or UTF-32 if it decodes to prose."""
    from charset_normalizer import from_bytes  # imported on first use: it takes a moment

    best = from_bytes(data, cp_isolation=["utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"]).best()
    if best is None:
        raise NotTextError("binary", "binary file (contains NUL bytes)")
    return _checked(Decoded(str(best), codecs.lookup(best.encoding).name), binary_reason="binary file (contains NUL bytes)")


def _damaged_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few broken stretches, or None when it does not look like UTF-8 at all.

    It looks like UTF-8 when it has more valid multi-byte characters than broken stretches, and
    at most one broken stretch per ``_DAMAGE_RATIO`` bytes (plus one).
    """
    text = data.decode("utf-8", errors="replace")
    broken = len(_REPLACED_RE.findall(text)) - data.count(b"\xef\xbf\xbd")  # U+FFFD already in the file
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    if broken <= 0 or multibyte < broken or broken > 1 + len(data) // _DAMAGE_RATIO:
        return None
    return _checked(Decoded(text, "utf-8", replaced=broken))


def _detect(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes  # imported on first use: it takes a moment

    best = from_bytes(data).best()
    if best is None:
        raise NotTextError("undecodable", "not valid UTF-8, and no other text encoding fits")
    return _checked(Decoded(str(best), codecs.lookup(best.encoding).name))


def _checked(decoded: Decoded, binary_reason: str = "binary file (mostly control characters)") -> Decoded:
    """Reject decodings that are mostly control characters: those are binary files."""
    sample = decoded.text[:_SAMPLE]
    controls = len(_CONTROL_RE.findall(sample))
    if controls * 10 > len(sample):
        raise NotTextError("binary", binary_reason)
    if not decoded.text.strip():
        raise NotTextError("empty", "empty document")
    return decoded
