"""Language tags and their names, from the CLDR data that babel ships."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _english():  # type: ignore[no-untyped-def]
    from babel import Locale

    return Locale("en")


@lru_cache(maxsize=1)
def known_languages() -> frozenset[str]:
    """Every language code CLDR names (``en``, ``ug``, ``zh`` …)."""
    return frozenset(_english().languages)


@lru_cache(maxsize=1)
def known_scripts() -> frozenset[str]:
    """Every ISO 15924 script code CLDR names (``Arab``, ``Hans`` …)."""
    return frozenset(_english().scripts)


@lru_cache(maxsize=1)
def known_territories() -> frozenset[str]:
    """Every region code CLDR names (``CN``, ``TW``, ``419`` …)."""
    return frozenset(_english().territories)


@lru_cache(maxsize=256)
def language_name(tag: str) -> str:
    """The English name of a language tag, with its script.

    >>> language_name("ug-Arab")
    'Uyghur (Arabic)'
    >>> language_name("zh-Hant")
    'Chinese (Traditional)'
    """
    en = _english()
    parts = tag.split("-")
    name = en.languages.get(parts[0], parts[0])
    extras = []
    for sub in parts[1:]:
        if len(sub) == 4 and sub.isalpha():
            extras.append(en.scripts.get(sub.title(), sub))
        elif len(sub) in (2, 3) and sub.upper() in en.territories:
            extras.append(en.territories[sub.upper()])
        else:
            extras.append(sub)
    script_names = {"Simplified Han": "Simplified", "Traditional Han": "Traditional"}
    extras = [script_names.get(e, e) for e in extras]
    return f"{name} ({', '.join(extras)})" if extras else name
