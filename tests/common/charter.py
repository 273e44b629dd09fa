"""The charter through its pages: start it, submit a form, find the first article, propose an amendment."""

import re

from engage.scripts.charter_demo import demo_consultation


def submit(page, formid, status=303, **fields):
    form = page.forms[formid]
    for name, value in fields.items():
        form[name] = value
    return form.submit("submit", status=status)


def first_article_url(app):
    return re.search(r'href="http://localhost(/charte/articles/[0-9a-f]+)"', app.get("/charte").text).group(1)


def propose(resident, article_url, text, rationale="Plus inclusif", status=303):
    page = resident.get(article_url + "/amender")
    return submit(page, "amendment", status=status, text=text, rationale=rationale)


def start_charter(editor, articles=(("Principes", "La participation est ouverte à tous les Parisiens."),)):
    """The charter, linked (through the editors' form) to a consultation now in its drafting phase."""
    engage = editor.app.registry.engage
    consultation = demo_consultation(engage.app, editor.person_id)
    submit(editor.get("/charte/redaction"), "start")
    for title, text in articles:
        submit(editor.get("/charte/redaction"), "article", title=title, text=text)
    submit(editor.get("/charte/redaction"), "link", consultation=consultation.hex)
    engage.wait_for(engage.app.start_phase(consultation, "restitution", started_by=editor.person_id).position)
    engage.wait_for(engage.app.start_phase(consultation, "redaction", started_by=editor.person_id).position)
    editor.consultation_id = consultation
    return first_article_url(editor)
