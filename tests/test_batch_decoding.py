"""Reading corpus documents in the encodings the press uses, and refusing what is not text."""

from __future__ import annotations

import codecs
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from termnorm.batch import NotTextError, decode_bytes

ZH_HANS = (
    "新疆维吾尔自治区政府新闻办公室今天举行新闻发布会。发言人说，维吾尔族群众的生活水平不断提高，"
    "职业技能教育培训中心的学员已经全部结业。外国记者问到所谓再教育营的问题时，发言人表示这是谎言。"
)
ZH_HANT = (
    "新疆維吾爾自治區政府新聞辦公室今天舉行新聞發布會。發言人說，維吾爾族群眾的生活水平不斷提高，"
    "職業技能教育培訓中心的學員已經全部結業。外國記者問到所謂再教育營的問題時，發言人表示這是謊言。"
)
EN = "Uighurs and Uyghurs in Ürümqi: “vocational training centres”, the officials said.\n" * 20


@pytest.mark.parametrize(
    ("data", "encoding", "label"),
    [
        (EN.encode("utf-8"), "utf-8", "utf-8"),
        (codecs.BOM_UTF8 + EN.encode("utf-8"), "utf-8", "utf-8 (BOM)"),
        (EN.encode("utf-16"), "utf-16-le", "utf-16-le (BOM)"),
        (codecs.BOM_UTF16_BE + EN.encode("utf-16-be"), "utf-16-be", "utf-16-be (BOM)"),
        (EN.encode("utf-16-le"), "utf-16-le", "utf-16-le"),
        (ZH_HANS.encode("gb18030"), "gb18030", "gb18030"),
        (ZH_HANS.encode("gbk"), "gb18030", "gb18030"),
        (ZH_HANT.encode("big5"), "big5", "big5"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-be-bom", "utf-16-le-no-bom", "gb18030", "gbk", "big5"],
)
def test_detects_the_encodings_of_the_press(data: bytes, encoding: str, label: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert decoded.label == label
    assert decoded.text in (EN, ZH_HANS, ZH_HANT)


def test_a_few_broken_bytes_in_utf8_are_replaced_not_misread_as_another_code_page() -> None:
    data = EN.encode("utf-8")
    damaged = data[:700] + b"\xff\xfe\x80" + data[700:]
    decoded = decode_bytes(damaged)
    assert decoded.encoding == "utf-8"
    assert decoded.replaced == 1
    assert "Ürümqi" in decoded.text and "“vocational" in decoded.text
    assert decoded.text.replace("\ufffd", "") == EN


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (b" \n\t\n", "empty"),
        (codecs.BOM_UTF8, "empty"),
        (b"\x89PNG\r\n\x1a\n" + os.urandom(200), "binary"),
        (b"%PDF-1.7\n" + bytes(range(256)), "binary"),
        (b"\x00\x01\x02\x03" * 200, "binary"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "undecodable"),
    ],
    ids=["empty", "blank", "bom-only", "png", "pdf", "nul-bytes", "broken-utf-16"],
)
def test_what_is_not_text_is_named(data: bytes, kind: str) -> None:
    with pytest.raises(NotTextError) as info:
        decode_bytes(data)
    assert info.value.kind == kind
    assert info.value.reason


@given(st.text(min_size=1))
def test_utf8_text_comes_back_unchanged_or_is_refused(text: str) -> None:
    try:
        decoded = decode_bytes(text.encode("utf-8"))
    except NotTextError as exc:
        assert exc.kind in ("empty", "binary")
    else:
        assert decoded.text == text.removeprefix("\ufeff") or decoded.text == text
        assert decoded.encoding == "utf-8"


@given(st.text(min_size=1))
def test_utf16_with_a_byte_order_mark_comes_back_unchanged(text: str) -> None:
    try:
        decoded = decode_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le", "surrogatepass"))
    except NotTextError as exc:
        assert exc.kind in ("empty", "binary", "undecodable")
    else:
        assert decoded.text == text


@given(st.binary())
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    try:
        decoded = decode_bytes(data)
    except NotTextError as exc:
        assert exc.kind in ("empty", "binary", "undecodable")
    else:
        assert isinstance(decoded.text, str) and decoded.text.strip()
