"""The English catalogue is complete, compiled, and follows the French sources.

French is the source language: every msgid of the "engage" domain is the French text,
and engage/locale/en/LC_MESSAGES/engage.po must translate each one.  When one of these
tests fails, run `make catalog`, translate what it lists, and run it again.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

import engage
from engage.locale.extra_msgids import extra_msgids

PACKAGE = Path(engage.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "engage.po"
MO = PO.with_suffix(".mo")
DOMAIN = "engage"
PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="en", domain=DOMAIN)


def _messages(catalog) -> dict[str, str]:
    return {message.id: message.string for message in catalog if message.id}


def test_every_msgid_is_translated_and_none_is_fuzzy(catalog):
    assert len(_messages(catalog)) > 0
    untranslated = [m.id for m in catalog if m.id and not (m.string or "").strip()]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not (untranslated or fuzzy), (
        f"{PO.name}: untranslated {untranslated}; fuzzy (check, then drop the flag) {fuzzy}"
    )


def test_compiled_catalogue_is_up_to_date(catalog):
    """The .mo Pyramid loads says exactly what the .po says: run `make catalog` if not."""
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    with MO.open("rb") as f:
        shipped = read_mo(f)
    assert _messages(shipped) == _messages(read_mo(compiled))


def test_placeholders_are_kept(catalog):
    wrong = {
        message.id: message.string
        for message in catalog
        if message.id
        and sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(message.string))
    }
    assert not wrong, f"${{...}} placeholders differ between msgid and msgstr: {wrong}"


def _source_files() -> list[Path]:
    """The package's templates and Python sources, not the catalogue tooling."""
    return sorted(
        path
        for pattern in ("templates/**/*.pt", "**/*.py")
        for path in PACKAGE.glob(pattern)
        if LOCALE not in path.parents
    )


def _extracted_msgids() -> dict[str, str]:
    """{msgid: first location} as lingua (what `make catalog` runs) extracts them."""
    pytest.importorskip("lingua", reason="lingua (the `make catalog` tool) is not installed")
    from lingua.extract import ExtractorOptions
    from lingua.extractors.python import PythonExtractor
    from lingua.extractors.xml import ChameleonExtractor

    options = ExtractorOptions(comment_tag=True, domain=DOMAIN, keywords=[])
    extractors = {".pt": ChameleonExtractor(), ".py": PythonExtractor()}
    found: dict[str, str] = {}
    for path in _source_files():
        relative = path.relative_to(PACKAGE.parent).as_posix()
        for message in extractors[path.suffix](str(path), options):
            found.setdefault(message.msgid, f"{relative}:{message.location[1]}")
    return found


def test_extraction_still_finds_the_template_strings():
    """Guards the guard below: lingua must read our templates as Chameleon."""
    found = _extracted_msgids()
    assert "Le formulaire contient des erreurs" in found  # deform/form.pt
    assert "${total} cartes délivrées au total." in found  # i18n:name child
    assert "Navigation principale" in found  # i18n:attributes
    assert "Page introuvable" in found  # _() in Python


def test_no_source_msgid_is_missing_from_the_catalogue(catalog):
    """A string added to a template or a _() call without a translation fails here."""
    translated = _messages(catalog)
    expected = _extracted_msgids()
    for msgid, (path, lineno) in extra_msgids():
        expected.setdefault(msgid, f"{path}:{lineno}")
    missing = {msgid: where for msgid, where in expected.items() if msgid not in translated}
    assert not missing, f"msgids missing from {PO.name}, run `make catalog`: {missing}"
