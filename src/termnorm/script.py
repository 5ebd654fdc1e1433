"""Which language a document is in, from the scripts of its letters."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

_UYGHUR_ARABIC = set("ېۆۈۇەڭۋ")
_KAZAKH_CYRILLIC = set("әғқңөұүһі")
_UYGHUR_CYRILLIC = set("җ")
_WORD_RE = re.compile(r"[^\W\d_]+")
_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "on", "with"},
    "de": {"der", "die", "und", "das", "nicht", "mit", "von", "ist", "den", "sich"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "du", "pour", "dans"},
    "tr": {"ve", "bir", "bu", "ile", "için", "da", "de", "olarak", "çin", "olan"},
}


def _script(ch: str) -> str | None:
    cp = ord(ch)
    if cp < 0x250:
        return "latin" if ch.isalpha() else None
    if 0x0400 <= cp <= 0x052F:
        return "cyrillic"
    if 0x0600 <= cp <= 0x06FF or 0xFB50 <= cp <= 0xFEFF:
        return "arabic"
    if 0x3040 <= cp <= 0x30FF:
        return "kana"
    if 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF:
        return "han"
    if 0x1E00 <= cp <= 0x1EFF:
        return "latin"
    return None


def detect_language(text: str, han_table: Mapping[int, str] | None = None, sample: int = 20000) -> tuple[str, dict[str, float]]:
    """The document's main language tag and the share of each language's script.

    >>> detect_language("Uyghurs in Xinjiang")[0], detect_language("新疆维吾尔自治区")[0]
    ('en', 'zh-Hans')
    >>> detect_language("新疆維吾爾自治區", {ord("維"): "维", ord("爾"): "尔", ord("區"): "区"})[0]
    'zh-Hant'
    """
    head = text[:sample]
    counts: Counter[str] = Counter()
    for ch in head:
        s = _script(ch)
        if s is not None:
            counts[s] += 1
    if not counts:
        return "und", {}
    langs: Counter[str] = Counter()
    for script, n in counts.items():
        langs[_lang_of(script, head, han_table, counts)] += n
    total = sum(langs.values())
    shares = {k: round(v / total, 3) for k, v in langs.most_common()}
    return langs.most_common(1)[0][0], shares


def _lang_of(script: str, head: str, han_table: Mapping[int, str] | None, counts: Counter[str]) -> str:
    if script == "han":
        if counts.get("kana", 0) > counts["han"] * 0.05:
            return "ja"
        if han_table:
            trad = sum(1 for ch in head if ord(ch) in han_table)
            simp_values = set(han_table.values())
            simp = sum(1 for ch in head if ch in simp_values and ord(ch) not in han_table)
            return "zh-Hant" if trad > simp else "zh-Hans"
        return "zh-Hans"
    if script == "kana":
        return "ja"
    if script == "arabic":
        return "ug-Arab" if any(c in _UYGHUR_ARABIC for c in head) else "ar"
    if script == "cyrillic":
        if any(c in _UYGHUR_CYRILLIC for c in head.lower()):
            return "ug-Cyrl"
        return "kk" if sum(c in _KAZAKH_CYRILLIC for c in head.lower()) > 5 else "ru"
    words = Counter(w.lower() for w in _WORD_RE.findall(head[:5000]))
    scores = {lang: sum(words[w] for w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else "en"
