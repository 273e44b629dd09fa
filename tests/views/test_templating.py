"""Templates compile once per process: each new application reuses the programs."""

import uuid

from chameleon.template import BaseTemplate
from chameleon.zpt.template import PageTemplate

from engage import templating


def counting_compiles(monkeypatch) -> list[str]:
    compiled = []
    compile_ = BaseTemplate._compile

    def counted(self, body, builtins):
        compiled.append(str(self.filename))
        return compile_(self, body, builtins)

    monkeypatch.setattr(BaseTemplate, "_compile", counted)
    return compiled


def test_a_second_application_compiles_no_template_again(testapp, make_app, monkeypatch):
    compiled = counting_compiles(monkeypatch)
    testapp.get("/mentions-legales")
    testapp.get("/ateliers")
    before = list(compiled)
    another = make_app()  # same settings in the same test: a whole new application and its templates
    assert another.app is not testapp.app
    assert "Mentions légales" in another.get("/mentions-legales").text
    another.get("/ateliers")
    assert compiled == before


def test_an_edited_template_compiles_again_and_each_renders_its_own_text(monkeypatch):
    templating.includeme(None)
    compiled = counting_compiles(monkeypatch)
    marker = uuid.uuid4().hex  # a text no earlier test compiled
    first, same = PageTemplate(f"<p>{marker} ${{a}}</p>"), PageTemplate(f"<p>{marker} ${{a}}</p>")
    edited = PageTemplate(f"<p>{marker} ${{a}}!</p>")
    assert len(compiled) == 2
    assert first(a="x") == same(a="x") == f"<p>{marker} x</p>"
    assert edited(a="<b>") == f"<p>{marker} &lt;b&gt;!</p>"
