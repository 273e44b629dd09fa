"""The charter through its pages: submit a form, find the first article, propose an amendment."""

import re


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
