"""No template outputs user text as markup except through a sanitizer.

Chameleon escapes every `${...}` and `tal:content`; only `structure` outputs markup as it is.
Each `structure` in engage/templates is listed here with the producer that makes it safe:
a deform form (deform's templates escape every value), the charter's word diff (escaped text,
its own <ins>/<del> only), the guide's Markdown (sanitized by nh3 with an allow-list) or a
fragment of the layout rendered once and reused (a template of ours, escaped as any). A new
`structure` fails this test until it is added here, with its producer tested below.
"""

from __future__ import annotations

import re
from pathlib import Path

from engage.views.charter.diff import word_diff
from engage.views.charter.guide_markdown import render
from tests.common.accounts import resident
from tests.common.consultations import contribute, create_consultation

TEMPLATES = Path(__file__).resolve().parents[2] / "engage" / "templates"
STRUCTURE = re.compile(r"structure\s+([^\"}]+?)\s*[\"}]")
DEFORM = "a deform form"
DIFF = "the charter's word diff (engage/views/charter/diff.py)"
GUIDE = "the guide's sanitized Markdown (engage/views/charter/guide_markdown.py)"
FORM_NAMES = re.compile(r"^(form|\w+_form|forms\['\w+'\]|decision\.form|progress|deliverable|confirm)$")
FRAGMENT = "a fragment of engage's own templates (engage.views.toolkit.fragment: Chameleon escapes it)"
ALLOWED = {
    ("layout.pt", "fragment('engage:templates/site_nav.pt',here=here)"): FRAGMENT,
    ("layout.pt", "fragment('engage:templates/site_footer.pt')"): FRAGMENT,
    ("charter_amendment.pt", "diff"): DIFF,
    ("charter_amendment.pt", "outdated_diff"): DIFF,
    ("charter_diff.pt", "s[1]"): DIFF,
    ("guide_page.pt", "html"): GUIDE,
}
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def structures() -> list[tuple[str, str]]:
    found = []
    for template in sorted(TEMPLATES.glob("*.pt")):
        for expression in STRUCTURE.findall(template.read_text()):
            if " " in expression:  # prose that happens to contain the word, not an expression
                continue
            found.append((template.name, expression))
    return found


def test_every_structure_has_a_safe_producer():
    unknown = [f"{t}: structure {e}" for t, e in structures()
               if (t, e) not in ALLOWED and not FORM_NAMES.match(e)]
    assert not unknown, "outputs markup without a listed producer:\n" + "\n".join(unknown)
    assert len(structures()) >= 20  # the scan still finds them


def test_the_word_diff_escapes_the_texts():
    html = word_diff("Un texte sûr.", f"Un texte {PAYLOAD} sûr.")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<ins>" in html


def test_the_guide_keeps_no_script_handler_or_dangerous_link():
    html = render(f"# Titre\n\n{PAYLOAD}\n\n[lien](javascript:void) <iframe src=x></iframe>")
    for tag in ("<script", "<img", "<iframe"):
        assert tag not in html  # written out as text, never as a tag
    assert not re.search(r"<[^>]*\son\w+=", html)  # no event handler inside a tag
    assert 'href="javascript:' not in html and "<a" not in html.replace("<a href=\"http", "")


def test_user_text_reaches_pages_escaped(testapp):
    engage = testapp.app.registry.engage
    person = resident(testapp, "camille@exemple.fr", display_name="Camille <b>du</b> 11e")
    consultation = create_consultation(engage.app)
    item = contribute(engage.app, consultation, person, text=f"Ma proposition {PAYLOAD}")
    engage.wait_for(item.position)
    for url in ("/consultations/charte", f"/consultations/charte/contributions/{item.id.hex}", "/compte"):
        page = testapp.get(url).text
        assert PAYLOAD not in page and "<b>du</b>" not in page, url
    assert "&lt;script&gt;" in testapp.get(f"/consultations/charte/contributions/{item.id.hex}").text


def test_a_reused_fragment_escapes_what_it_shows(testapp):
    """The layout's navigation and footer are rendered once per host and reused (toolkit.fragment):
    a hostile Host header's text reaches their links escaped, and only that host's pages."""
    hostile = 'x"><script>alert(1)</script>'
    page = testapp.get("/ateliers", headers={"Host": hostile}, expect_errors=True)
    assert "<script>alert(1)</script>" not in page.text
    assert "<script>" not in testapp.get("/ateliers").text
