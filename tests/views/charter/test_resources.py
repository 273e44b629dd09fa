"""The charter's route factories: an unknown or malformed article, amendment, version, guide page or
milestone step is a 404 (never a 500), and the permission is checked before anything is loaded."""

import pytest

from engage.domain.accounts.model import Role
from tests.common.accounts import person

UNKNOWN = "0" * 31 + "1"  # a well-formed id nobody has (the same in every xdist worker)


def an_article(testapp) -> str:
    engage = testapp.app.registry.engage
    engage.app.start_charter()
    done = engage.app.add_article(title="Principes", text="La participation est ouverte à tous.")
    engage.wait_for(done.position)
    return done.id.hex


@pytest.mark.parametrize("path", [
    "/charte/articles/pas-un-identifiant", f"/charte/articles/{UNKNOWN}", f"/charte/articles/{UNKNOWN}/comparer",
    f"/charte/articles/{UNKNOWN}/versions/1", "/charte/articles/zzz/versions/1",
    "/charte/amendements/pas-un-identifiant", f"/charte/amendements/{UNKNOWN}",
    "/charte/versions/1", "/charte/versions/deux", "/charte/versions/" + "9" * 30, "/guide/page-inconnue", "/guide/page-inconnue/versions/1",
])
def test_unknown_or_malformed_objects_are_404(testapp, path):
    testapp.get(path, status=404)


def test_unknown_versions_of_a_known_article_are_404(testapp):
    article = an_article(testapp)
    assert "Principes" in testapp.get(f"/charte/articles/{article}").text
    assert "Principes" in testapp.get(f"/charte/articles/{article}?depuis={'9' * 30}").text
    assert "La participation est ouverte à tous." in testapp.get(f"/charte/articles/{article}/versions/1").text
    for version in ("2", "deux", "-1", "9" * 30, "%C2%B2"):
        testapp.get(f"/charte/articles/{article}/versions/{version}", status=404)


def test_a_guide_page_and_its_versions(testapp):
    engage = testapp.app.registry.engage
    engage.wait_for(engage.app.publish_guide_page(slug="participer", title="Participer", body="# Bienvenue").position)
    assert "Bienvenue" in testapp.get("/guide/participer").text
    assert "Bienvenue" in testapp.get("/guide/participer/versions/1").text
    for version in ("2", "une"):
        testapp.get(f"/guide/participer/versions/{version}", status=404)


def test_permission_comes_before_loading(testapp):
    """Residents learn nothing from an id on editors' pages: login or 403, then 404 for editors."""
    article_edit = f"/charte/articles/{UNKNOWN}/modifier"
    assert "/compte/connexion" in testapp.get(article_edit, status=[302, 303]).location
    assert "/compte/connexion" in testapp.get("/engagement/etapes/deux", status=[302, 303]).location
    resident = person(testapp, "camille@exemple.fr", "Camille du 11e")
    resident.get(article_edit, status=403)
    resident.get("/engagement/etapes/99", status=403)
    editor = person(testapp, "editrice@paris.fr", "Éditrice DDCT", role=Role.EDITOR)
    for path in (article_edit, "/engagement/etapes/99", "/engagement/etapes/deux"):
        editor.get(path, status=404)
