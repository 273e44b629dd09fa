"""The guide's Markdown is rendered safely: nothing executable survives."""

from bs4 import BeautifulSoup

from engage.views.charter.guide_markdown import render, sanitize

HOSTILE = """# Titre

<script>alert(1)</script>
<iframe src="https://evil.example"></iframe>
<img src=x onerror="alert(1)">
<a href="javascript:alert(1)" onclick="alert(1)">clic</a>
[lien piégé](javascript:alert(1))
[lien piégé 2](JaVaScRiPt:alert(1))
<p onmouseover="alert(1)">survol</p>
<style>body{display:none}</style>

- un **point**
- [Paris](https://www.paris.fr)
"""


def test_render_removes_scripts_iframes_handlers_and_javascript_urls():
    html = render(HOSTILE)
    assert_harmless(html)
    assert "<h2>Titre</h2>" in html
    assert "<strong>point</strong>" in html
    assert 'href="https://www.paris.fr"' in html


def test_raw_html_is_shown_as_text_not_markup():
    html = render("<b>gras</b>")
    assert "<b>" not in html and "&lt;b&gt;" in html


def assert_harmless(html):
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["script", "iframe", "style", "img", "object", "embed", "form"])
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert not str(value).strip().lower().startswith(("javascript:", "data:", "vbscript:")), tag


def test_the_sanitizer_itself_strips_hostile_html():
    html = sanitize(HOSTILE.replace("[lien", "<a href='javascript:alert(2)'>x</a>[lien"))
    assert_harmless(html)
    assert "alert(1)</script>" not in html
    assert_harmless(sanitize('<a href=" javascript:alert(1)">x</a><svg onload="alert(1)"></svg><math><mi xlink:href="javascript:alert(1)">'))
