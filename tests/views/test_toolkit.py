"""The view toolkit: one date formatter, one flash convention, one form factory, page extensions."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import colander
import pytest
from deform.schema import CSRFSchema
from pyramid import testing
from pyramid.i18n import make_localizer

import engage
from engage.views import toolkit
from engage.views.extensions import _BY_TEMPLATE, extend_page, extends
from engage.views.toolkit import make_form, plural, when


def test_a_day_is_written_as_people_write_it():
    assert when("2027-05-14", "fr") == "14 mai 2027"
    assert when(date(2027, 5, 1), "fr") == "1er mai 2027"
    assert when("2027-05-14", "en") == "May 14, 2027"
    assert when(None, "fr") == when("", "fr") == ""


def test_the_first_of_the_month_is_an_ordinal_in_french_only():
    assert when("2017-01-01", "fr") == "1er janvier 2017"
    assert when("2017-11-20", "fr") == "20 novembre 2017"
    for other in ("2017-01-11", "2017-01-21", "2017-01-31"):
        assert "er" not in when(other, "fr").split()[0]
    assert when("2017-01-01", "en") == "January 1, 2017"
    assert when(date(2017, 5, 1), "fr") == "1er mai 2017"


def test_the_ordinal_is_the_paris_day_of_an_instant():
    # 31 January, 23:30 UTC is already 1 February in Paris; 31 December is 1 January.
    assert when("2017-01-31T23:30:00+00:00", "fr", time=True) == "1er février 2017 à 00:30"
    assert when("2017-06-01T23:30:00Z", "fr") == "2 juin 2017"
    assert when("2017-10-01T08:00:00", "fr", time=True) == "1er octobre 2017 à 10:00"  # naive means UTC
    assert when("2017-12-31T23:30:00+00:00", "fr") == "1er janvier 2018"


def test_an_instant_is_shown_in_paris_time():
    utc = datetime(2027, 5, 14, 22, 30, tzinfo=timezone.utc)  # already the 15th in Paris
    assert when(utc, "fr") == "15 mai 2027"
    assert when(utc, "fr", time=True) == "15 mai 2027 à 00:30"
    assert when("2027-05-14T16:30:00+00:00", "fr", time=True) == "14 mai 2027 à 18:30"
    assert when("2027-05-14T16:30:00Z", "en", time=True) == "May 14, 2027 at 6:30 PM"
    assert when(datetime(2027, 1, 1, 9, 5), "fr", time=True) == "1er janvier 2027 à 10:05"  # naive = UTC


LOCALE_DIR = str(Path(engage.__file__).parent / "locale")
# (n, French, English) for two plural msgids: French counts 0 as singular, English as plural.
PLURALS = {
    ("${count} réponse", "${count} réponses"): [
        (0, "0 réponse", "0 responses"), (1, "1 réponse", "1 response"), (2, "2 réponses", "2 responses")],
    ("${count} siège tiré au sort", "${count} sièges tirés au sort"): [
        (0, "0 siège tiré au sort", "0 seats drawn by lot"), (1, "1 siège tiré au sort", "1 seat drawn by lot"),
        (2, "2 sièges tirés au sort", "2 seats drawn by lot")],
}


@pytest.mark.parametrize("forms", list(PLURALS), ids=["reponse", "siege"])
def test_plurals_follow_each_languages_rule(forms):
    requests = {locale: testing.DummyRequest(localizer=make_localizer(locale, [LOCALE_DIR]))
                for locale in ("fr", "en")}
    for n, french, english in PLURALS[forms]:
        assert plural(n, *forms, request=requests["fr"]) == french
        assert plural(n, *forms, request=requests["en"]) == english


def test_a_plural_keeps_the_other_placeholders_of_its_mapping():
    request = testing.DummyRequest(localizer=make_localizer("fr", [LOCALE_DIR]))
    assert plural(3, "${count} ${what}", "${count} ${what}s", {"what": "vote"}, request=request) == "3 votes"


def test_pages_write_their_counts_in_the_visitors_language(testapp):
    assert "0 organisation<" in testapp.get("/organisations").text
    assert "0 offre<" in testapp.get("/offres").text
    testapp.set_cookie("engage_lang", "en")
    assert "0 organizations<" in testapp.get("/organisations").text
    assert "0 offers<" in testapp.get("/offres").text


def test_a_flash_is_shown_once_and_never_twice_the_same():
    request = testing.DummyRequest()
    request.localizer = type("Localizer", (), {"translate": staticmethod(lambda message: str(message))})()
    toolkit.flash(request, "Votre vote est enregistré.")
    toolkit.flash(request, "Votre vote est enregistré.")
    toolkit.flash(request, "Choisissez une réponse.", toolkit.ERROR)
    assert toolkit.pop_flashes(request) == {"success": ["Votre vote est enregistré."],
                                            "error": ["Choisissez une réponse."]}
    assert toolkit.pop_flashes(request) == {"success": [], "error": []}


class _Schema(CSRFSchema):
    text = colander.SchemaNode(colander.String(), title="Texte")


def test_forms_on_one_page_never_share_an_element_id():
    request = testing.DummyRequest()
    with testing.testConfig(request=request):
        first = make_form(_Schema, request, formid="a", button="Envoyer")
        second = make_form(_Schema, request, formid="b", button="Envoyer", action="/ailleurs")
        first_ids = {field.oid for field in first.children}
        second_ids = {field.oid for field in second.children}
    assert not first_ids & second_ids
    assert second.action == "/ailleurs" and first.action == ""


def test_a_capability_adds_to_another_capabilitys_page():
    template = "engage:templates/__test_extension__.pt"

    @extends(template)
    def more(request, values):
        return {"added": values["item"] * 2}

    try:
        event = {"renderer_name": template, "request": object()}
        event = type("Event", (dict,), {"rendering_val": {"item": 21}})(event)
        extend_page(event)
        assert event["added"] == 42
        other = type("Event", (dict,), {"rendering_val": {"item": 1}})({"renderer_name": "x.pt", "request": object()})
        extend_page(other)
        assert "added" not in other
    finally:
        _BY_TEMPLATE.pop(template, None)


def test_the_asterisk_sentence_only_on_forms_with_a_required_field(testapp):
    from tests.common.accounts import last_link, start_sign_up

    sentence = "Les champs marqués d'un astérisque"
    assert sentence in testapp.get("/compte/connexion").text  # email and password are required
    start_sign_up(testapp)
    confirm = testapp.get(last_link(testapp))  # one button, no field
    assert "confirm" in confirm.forms and sentence not in confirm.text
    assert not toolkit.has_required_field(None, "<form><button>OK</button></form>")


def test_a_form_from_the_cache_is_the_form_deform_renders(testapp):
    """render_form gives make_form(...).render(values) byte for byte, the element ids of the
    forms made after it included, in each language, from the cache too."""
    from pyramid.scripting import prepare

    from engage.request import EngageRequest
    from engage.views.consultations.forms import ReasonSchema, VoteSchema

    registry = testapp.app.registry

    def page(locale, render):
        request = EngageRequest.blank("/")
        request._LOCALE_ = locale
        env = prepare(request=request, registry=registry)
        try:
            request.session["_csrft_"] = "0123abcd"
            first = render(request)
            second = toolkit.make_form(ReasonSchema, request, formid="report", button="Signaler").render()
            return first, second
        finally:
            env["closer"]()

    for locale in ("fr", "en"):
        for values in ({}, {"option": "mitige"}):
            for action in ("http://localhost/consultations/c/contributions/0a/voter", "/x?a=1&b=\"<'>é"):
                plain = page(locale, lambda request: toolkit.make_form(
                    VoteSchema, request, formid="vote", button=toolkit._("Voter"), action=action).render(values))
                for _ in range(2):  # rendered, then from the cache
                    cached = page(locale, lambda request: toolkit.render_form(
                        VoteSchema, request, formid="vote", button=toolkit._("Voter"), action=action, values=values))
                    assert cached == plain
    assert 'value="0123abcd"' in plain[0] and "deformField" in plain[1]


def test_a_page_without_a_message_leaves_the_session_cookie_alone(testapp):
    """Showing no flash message changes nothing in the session: no Set-Cookie for it (each one
    costs the signing and the bytes); a message shown once is taken out, with a new cookie."""
    testapp.get("/")
    again = testapp.get("/")
    assert not [v for v in again.headers.getall("Set-Cookie") if v.startswith("engage_session=")]
    # A flash (the language switch's page shows none; a refused vote flashes): taken out once shown.
    request = testing.DummyRequest()
    request.session.flash("Choisissez une réponse.", toolkit.ERROR)
    assert toolkit.pop_flashes(request) == {"success": [], "error": ["Choisissez une réponse."]}
    assert toolkit.pop_flashes(request) == {"success": [], "error": []}


def test_a_redirect_notes_only_the_link_it_leads_to(testapp):
    """A 303's short note (browsers never show it) is the link to its Location, escaped; not
    Pyramid's English sentence, negotiated from the Accept header and filled from a template."""
    target = "/ateliers?page=2&theme=l'été"
    redirected = testapp.get("/langue/en", {"retour": target}, headers={"Accept": "text/html"}, status=303)
    link = redirected.html.find("a")
    assert link["href"] == link.text == redirected.location.replace("http://localhost", "")
    assert "moved" not in redirected.text and "'" not in redirected.text and "&theme" not in redirected.text
    assert redirected.content_type == "text/html"
    assert testapp.get("/langue/fr", headers={"Accept": "application/json"}, status=303).text == '<a href="/">/</a>\n'
