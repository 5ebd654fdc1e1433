"""Exporting the glossary for translation tools: TBX (ISO 30042, TBX-Basic), CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

from .compiled import Glossary
from .formats import entry_dict
from .model import Term

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def to_tbx(g: Glossary) -> str:
    """The glossary as a TBX-Basic document: one conceptEntry per entry, one langSec per language.

    Every piece of text goes through ElementTree, which escapes it.
    """
    root = ET.Element("tbx", {"type": "TBX-Basic", "style": "dca", _XML_LANG: "en", "xmlns": "urn:iso:std:iso:30042:ed-2"})
    header = ET.SubElement(root, "tbxHeader")
    desc = ET.SubElement(ET.SubElement(header, "fileDesc"), "sourceDesc")
    ET.SubElement(desc, "p").text = "termnorm glossary: contested vocabulary of reporting on Xinjiang and the Uyghurs"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for entry in g.entries.values():
        concept = ET.SubElement(body, "conceptEntry", {"id": entry.id})
        ET.SubElement(concept, "descrip", {"type": "subjectField"}).text = entry.category
        ET.SubElement(concept, "descrip", {"type": "definition"}).text = entry.definition
        if entry.neutral:
            ET.SubElement(concept, "note").text = f"Neutral alternative: {entry.neutral}"
        for source in entry.sources:
            ET.SubElement(concept, "xref", {"type": "externalCrossReference", "target": source}).text = source
        by_lang: dict[str, list[Term]] = {}
        for t in entry.terms:
            by_lang.setdefault(t.lang, []).append(t)
        for lang, terms in by_lang.items():
            sec = ET.SubElement(concept, "langSec", {_XML_LANG: lang})
            for t in terms:
                ts = ET.SubElement(sec, "termSec")
                ET.SubElement(ts, "term").text = t.form
                ET.SubElement(ts, "termNote", {"type": "termType"}).text = _tbx_type(t.type)
                ET.SubElement(ts, "termNote", {"type": "administrativeStatus"}).text = f"{t.status}Term-admn-sts"
                if t.used_by:
                    ET.SubElement(ts, "note").text = "Used by: " + ", ".join(t.used_by)
                if t.loaded:
                    ET.SubElement(ts, "note").text = "Loaded term" + (f": {t.note}" if t.note else "")
                elif t.note:
                    ET.SubElement(ts, "note").text = t.note
                if t.derived:
                    ET.SubElement(ts, "note").text = f"Derived: {t.derived}"
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _tbx_type(term_type: str) -> str:
    return {
        "abbreviation": "abbreviation",
        "romanization": "transliteration",
        "misspelling": "variant",
        "spelling": "variant",
        "historic": "variant",
        "alias": "synonym",
    }.get(term_type, "fullForm")


def to_csv(g: Glossary) -> str:
    """One row per form."""
    buf = io.StringIO()
    fields = ["entry", "label", "category", "form", "lang", "type", "status", "used_by", "loaded", "note", "neutral", "derived"]
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for e in g.entries.values():
        for t in e.terms:
            w.writerow({"entry": e.id, "label": e.label, "category": e.category, "form": t.form, "lang": t.lang, "type": t.type,
                        "status": t.status, "used_by": ";".join(t.used_by), "loaded": t.loaded, "note": t.note or "",
                        "neutral": e.neutral or "", "derived": t.derived or ""})  # fmt: skip
    return buf.getvalue()


def to_json(g: Glossary) -> str:
    """Every entry as an object, with derived forms."""
    return json.dumps([entry_dict(e) for e in g.entries.values()], ensure_ascii=False, indent=2) + "\n"
