"""The glossary on texts it was not written from: recall and precision per language.

The texts in tests/corpus/unseen/ are paraphrases written for this project, each modelled on the
usage of a real article from outlets on every side of the debate, in eleven languages and scripts
(the header cites the article); tests/corpus/unseen/expected.yaml says what a careful editor wants found
in each. The scoring lives in benchmarks/unseen_eval.py (which prints the same table for the
README); ``pytest -s tests/test_unseen.py`` prints it here.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from termnorm import Glossary

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus" / "unseen"
LANGS = ("en", "zh-Hans", "zh-Hant", "ug-Arab", "ug-Latn", "ug-Cyrl", "de", "fr", "ru", "tr", "ja")
RECALL_FLOOR = 0.9
PRECISION_FLOOR = 0.9


def _load_eval() -> ModuleType:
    path = REPO / "benchmarks" / "unseen_eval.py"
    spec = importlib.util.spec_from_file_location("unseen_eval", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


unseen_eval = _load_eval()


@pytest.fixture(scope="module")
def cases() -> list:
    return unseen_eval.load_cases(CORPUS)


def test_every_language_has_excerpts_from_several_sources(cases: list) -> None:
    by_lang: dict[str, set[str]] = {}
    for name in sorted(p.name for p in CORPUS.glob("*.txt")):
        header = (CORPUS / name).read_text(encoding="utf-8").split("\n\n", 1)[0]
        source = re.search(r"^# source: (https?://\S+)$", header, re.M)
        assert source, f"{name}: no '# source: URL' header line"
        assert re.search(r"^# date: \S", header, re.M), f"{name}: no '# date:' header line"
        by_lang.setdefault(name.rsplit("-", 1)[0], set()).add(source.group(1))
    assert set(by_lang) == set(LANGS)
    assert all(len(urls) >= 3 for urls in by_lang.values()), {k: len(v) for k, v in by_lang.items()}
    assert len(cases) == sum(1 for _ in CORPUS.glob("*.txt"))


def test_expected_texts_occur_and_name_real_entries(cases: list, real_glossary: Glossary) -> None:
    spec = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
    for case in cases:
        for item in spec[case.name].get("expected", []) + spec[case.name].get("optional", []):
            assert unseen_eval.occurrences(case.body, item["text"]), f"{case.name}: {item['text']!r} is not in the text"
            assert item["entry"] in real_glossary.entries, f"{case.name}: unknown entry {item['entry']!r}"


def test_recall_and_precision_on_unseen_articles(cases: list, real_glossary: Glossary) -> None:
    scores = unseen_eval.evaluate(real_glossary, cases)
    print()
    print(unseen_eval.table(scores, cases))
    total = scores["all"]
    report = "\n".join(["misses:", *total.misses, "false hits:", *total.false_hits])
    assert total.recall >= RECALL_FLOOR, report
    assert total.precision >= PRECISION_FLOOR, report
