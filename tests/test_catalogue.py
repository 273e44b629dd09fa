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
from engage.locale.build_catalog import KEYWORDS, PLURAL_FORMS
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


def _forms(value) -> tuple[str, ...]:
    """A msgid or msgstr as its forms: one, or one per plural form."""
    return tuple(value) if isinstance(value, (list, tuple)) else (value or "",)


def _messages(catalog) -> dict[str, tuple[str, ...]]:
    """{singular msgid: its msgstr forms}; a plural entry is keyed by its singular."""
    return {_forms(message.id)[0]: _forms(message.string) for message in catalog if message.id}


def test_every_msgid_is_translated_and_none_is_fuzzy(catalog):
    assert len(_messages(catalog)) > 0
    untranslated = [m.id for m in catalog if m.id and not all(s.strip() for s in _forms(m.string))]
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
        _forms(message.id)[0]: message.string
        for message in catalog
        if message.id
        for msgid, msgstr in zip(_forms(message.id) * 2, _forms(message.string))
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr))
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

    options = ExtractorOptions(comment_tag=True, domain=DOMAIN, keywords=list(KEYWORDS))
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
    assert "${count} réponse" in found  # plural() in a template
    assert "Feuille de présence enregistrée (${count} changement)." in found  # plural() in Python


def test_no_source_msgid_is_missing_from_the_catalogue(catalog):
    """A string added to a template or a _() call without a translation fails here."""
    translated = _messages(catalog)
    expected = _extracted_msgids()
    for msgid, (path, lineno) in extra_msgids():
        expected.setdefault(msgid, f"{path}:{lineno}")
    missing = {msgid: where for msgid, where in expected.items() if msgid not in translated}
    assert not missing, f"msgids missing from {PO.name}, run `make catalog`: {missing}"


# "réponse(s)", "inscrit(e)s", "citée(es)", "reply(ies)": the parenthesised plural or gender
# endings engage writes as real plural forms (toolkit.plural) instead; "inscrit·e" is kept.
PARENTHESISED_ENDING = re.compile(r"[^\W\d_]\((?:e?s|es|x|ies|e|nt)\)", re.IGNORECASE)
# lingua extracts a template's plural() only from a tal:replace/tal:content expression.
PLURAL_IN_TEXT = re.compile(r"\$\{\s*plural\(")


def test_no_parenthesised_plural_in_templates_sources_or_catalogues(catalog):
    found = []
    for path in sorted(PACKAGE.glob("templates/**/*.pt")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {m.group()}" for m in PARENTHESISED_ENDING.finditer(text)]
        found += [f"{path.name}: write plural() in tal:replace" for _ in PLURAL_IN_TEXT.finditer(text)]
    sources = {msgid: where for msgid, where in _extracted_msgids().items() if ".py:" in where}
    sources.update({msgid: f"{path}:{line}" for msgid, (path, line) in extra_msgids()})
    found += [f"{where}: {msgid}" for msgid, where in sources.items() if PARENTHESISED_ENDING.search(msgid)]
    for po in (LOCALE / "engage.pot", PO, LOCALE / "fr" / "LC_MESSAGES" / "engage.po"):
        with po.open("rb") as f:
            for message in read_po(f):
                for text in _forms(message.id) + _forms(message.string):
                    found += [f"{po.name}: {text}" for _ in PARENTHESISED_ENDING.finditer(text)]
    assert not found, f"write a real plural (toolkit.plural, see HACKING.md) instead of: {found}"


def test_every_catalogue_declares_its_plural_rule():
    for language, po in (("fr", LOCALE / "fr" / "LC_MESSAGES" / "engage.po"), ("en", PO)):
        with po.open("rb") as f:
            shipped = read_po(f)
        assert shipped.plural_forms == PLURAL_FORMS[language]
    assert PLURAL_FORMS == {"fr": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}


def test_french_catalogue_gives_every_plural_its_own_forms(catalog):
    """fr/…/engage.po is generated: each plural msgid of the English catalogue, untouched."""
    with (LOCALE / "fr" / "LC_MESSAGES" / "engage.po").open("rb") as f:
        french = {_forms(m.id): _forms(m.string) for m in read_po(f) if m.id}
    plurals = {_forms(m.id) for m in catalog if m.id and m.pluralizable}
    assert plurals and set(french) == plurals
    assert all(french[forms] == forms for forms in plurals)
