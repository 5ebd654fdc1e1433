"""Build ``src/termnorm/data/english-words.txt.gz``: the English words fuzzy matching never "corrects".

The list is the union of Debian's ``wamerican-large`` and ``wbritish-large`` word lists (SCOWL, size 70:
the words of an ordinary desk dictionary, with inflections and common proper names), folded like
match keys, without possessives, and only words of four letters or more (shorter text tokens are
never compared). About 132,000 words, 370 kB compressed.

Run as root on Debian or Ubuntu::

    apt-get install wamerican-large wbritish-large
    python tests/noisy/make_wordlist.py
"""

from __future__ import annotations

import gzip
from pathlib import Path

from termnorm.fold import fold_key

SOURCES = (Path("/usr/share/dict/american-english-large"), Path("/usr/share/dict/british-english-large"))
TARGET = Path(__file__).resolve().parents[2] / "src" / "termnorm" / "data" / "english-words.txt.gz"


def words(paths: tuple[Path, ...] = SOURCES) -> set[str]:
    """Every folded word of four letters or more in the word lists."""
    out: set[str] = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.strip()
            if not word.isalpha():  # possessives ("Uighur's") and abbreviations
                continue
            key = fold_key(word)
            if len(key) >= 4 and key.isalpha():
                out.add(key)
    return out


def main() -> None:
    found = sorted(words())
    data = ("\n".join(found) + "\n").encode("utf-8")
    # mtime=0: the same word list always gives the same bytes.
    TARGET.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{TARGET}: {len(found)} words, {TARGET.stat().st_size} bytes")


if __name__ == "__main__":
    main()
