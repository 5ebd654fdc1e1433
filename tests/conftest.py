"""Shared fixtures: the small test glossary, the real one, and a way to run the installed CLI.

``fixture_glossary`` is a stable glossary written for the engine's tests (tests/fixtures/glossary);
``real_glossary`` is the curated data in glossary/, which the tests check separately.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import settings

from termnorm import Glossary, GlossaryError, load_glossary

# CI runs the property tests with a fixed seed, so that a red build is reproducible; locally
# Hypothesis explores new examples on every run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE_GLOSSARY = TESTS / "fixtures" / "glossary"
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def fixture_glossary_path() -> Path:
    """The folder of the small test glossary (pass it to ``--glossary``)."""
    return FIXTURE_GLOSSARY


@pytest.fixture(scope="session")
def fixture_glossary() -> Glossary:
    """The small, stable test glossary, compiled."""
    return load_glossary(FIXTURE_GLOSSARY, cache=False)


@pytest.fixture(scope="session")
def real_glossary() -> Glossary:
    """The curated glossary shipped with termnorm; a test using it fails clearly while it is invalid.

    Compiled afresh (no disk cache), so that the tests always see the current engine.
    """
    try:
        return load_glossary(cache=False)
    except GlossaryError as exc:
        pytest.fail(f"the shipped glossary does not load (glossary data incomplete or invalid): {exc}", pytrace=False)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five source articles of the product brief."""
    return SEEDS


@pytest.fixture(scope="session")
def require_entries(real_glossary: Glossary) -> Callable[..., None]:
    """``require_entries(*ids)`` fails clearly when the shipped glossary lacks entries a test needs."""

    def require(*ids: str) -> None:
        missing = [i for i in ids if i not in real_glossary.entries]
        if missing:
            pytest.fail(f"glossary data incomplete: no entry {', '.join(missing)}", pytrace=False)

    return require


RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def cli_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A compiled-glossary cache private to this test session."""
    return tmp_path_factory.mktemp("termnorm-cache")


@pytest.fixture
def run_cli(cli_cache_dir: Path) -> RunCli:
    """Run ``python -m termnorm ARGS`` in a subprocess (real stdin, stdout, stderr and exit code).

    ``NO_COLOR`` and ``FORCE_COLOR`` are cleared unless a test sets them; the compiled-glossary
    cache is private to the test session, not the user's.
    """

    def run(args: Sequence[str], *, input: str | bytes | None = None, env: dict[str, str] | None = None, cwd: Path | None = None):
        environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        environ["TERMNORM_CACHE_DIR"] = str(cli_cache_dir)
        environ.update(env or {})
        data = input.encode("utf-8") if isinstance(input, str) else input
        proc = subprocess.run(
            [sys.executable, "-m", "termnorm", *args],
            input=data if data is not None else b"",
            capture_output=True,
            env=environ,
            cwd=cwd or REPO,
            timeout=120,
        )
        return subprocess.CompletedProcess(
            proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace")
        )

    return run


def _check_user_error(stderr: str, *expected: str) -> str:
    """Check the shape of a user error on stderr: one ``termnorm: error:`` line, an optional hint, no traceback.

    Returns the error line; each of ``expected`` must occur in it.
    """
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    errors = [line for line in lines if line.startswith("termnorm: error: ")]
    assert len(errors) == 1, stderr
    assert lines[0] == errors[0], stderr
    assert all(line.startswith("termnorm: hint: ") for line in lines[1:]) and len(lines) <= 2, stderr
    for text in expected:
        assert text in errors[0], (text, errors[0])
    return errors[0]


@pytest.fixture(scope="session")
def assert_user_error() -> Callable[..., str]:
    """``assert_user_error(stderr, *expected)``: one error line (plus a hint) that says ``expected``."""
    return _check_user_error


@pytest.fixture
def place_glossary(tmp_path: Path) -> Callable[..., Path]:
    """A writer of a one-entry extra glossary: a place with its forms as (form, type) pairs."""

    def write(entry_id: str, definition: str, *forms: tuple[str, str]) -> Path:
        path = tmp_path / f"{entry_id}.yaml"
        terms = "".join(f"    - {{form: {form}, lang: en, type: {kind}}}\n" for form, kind in forms)
        path.write_text(
            f"- id: {entry_id}\n  label: {entry_id.title()}\n  category: place\n  definition: {definition}\n"
            f"  sources: [https://example.org/{entry_id}]\n  terms:\n{terms}",
            encoding="utf-8",
        )
        return path

    return write
