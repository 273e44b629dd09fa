"""/compte/mes-actes: the resident's own acts in the public log, each with its leaf, its commitment
and its opening, checked on the server; and the openings' download. Only the person's own."""

from uuid import UUID, uuid4

from engage.projections.transparency import queries as acts
from engage.transparency.commitments import commitment
from engage.views.participation import acts as acts_pages
from tests.common.accounts import person, resident, services
from tests.common.consultations import create_consultation

SIGN_AT_ONCE = {"engage.transparency.checkpoint_interval": "0"}


def rows(page):
    return [" ".join(row.text.split()) for row in page.html.select("table.acts tbody tr")]


def acts_of_someone(app, email="ines@exemple.fr", display_name="Inès du 19e") -> UUID:
    """A resident signed in on `app` with three acts: their account, a vote, a contribution."""
    engage = services(app)
    person_id = resident(app, email=email, display_name=display_name)
    consultation = create_consultation(engage.app)
    item = engage.app.contribute(consultation_id=consultation, person_id=uuid4(), has_valid_card=True,
                                 kind="avis", theme="Budget participatif", text="Un budget par quartier.").id
    engage.app.cast_vote(person_id=person_id, item_id=item, option="d-accord", has_valid_card=True)
    engage.app.contribute(consultation_id=consultation, person_id=person_id, has_valid_card=True,
                          kind="avis", theme="Budget participatif", text="Des bancs place des Fêtes.")
    return person_id


def signed(app) -> None:
    """Every event projected and covered by a signed checkpoint."""
    engage = services(app)
    engage.engine.catch_up()
    engage.checkpoints.sign_if_due()


def test_the_page_lists_the_residents_acts_each_verified(make_app):
    app = make_app(**SIGN_AT_ONCE)
    person_id = acts_of_someone(app)
    other = person(app, "yanis@exemple.fr", "Yanis du 20e")
    signed(app)
    account = app.get("/compte")
    page = account.click(href="/compte/mes-actes")
    lines = rows(page)
    assert len(lines) == 3, lines
    assert lines[0].startswith("Création de votre compte")
    assert lines[1].startswith("Vote sur une contribution") and "Vote « D'accord »" in lines[1]
    assert lines[2].startswith("Dépôt d'une contribution")
    assert all(line.endswith("vérifié") for line in lines), lines
    assert "Sa signature est valide" in page.text and str(person_id) in page.text
    mine = acts.acts_of(services(app).db, person_id)
    for act in mine:  # each opening is on the page, and opens the commitment the leaf shows
        assert act.salt in page.text and act.commitment in page.text
        assert commitment(person_id, act.salt) == act.commitment == act.fields[act.field]["commitment"]
    assert [act.field for act in mine] == ["person", "voter", "author"]
    # Nobody else's acts: the other resident's commitments and openings are not on the page.
    theirs = acts.acts_of(services(app).db, other.person_id)
    assert theirs and not any(act.salt in page.text or act.commitment in page.text for act in theirs)
    assert len(rows(other.get("/compte/mes-actes"))) == len(theirs)


def test_acts_newer_than_the_signed_checkpoint_are_said_so(make_app):
    app = make_app(**{"engage.transparency.checkpoint_interval": "3600"})
    engage = services(app)
    resident(app, email="ines@exemple.fr", display_name="Inès du 19e")
    engage.engine.catch_up()
    engage.checkpoints.sign_if_due()  # the first checkpoint; the next one in an hour
    consultation = create_consultation(engage.app)
    engage.app.contribute(consultation_id=consultation, person_id=engage.app.find_person_by_email("ines@exemple.fr"),
                          has_valid_card=True, kind="avis", theme="Budget participatif", text="Des bancs.")
    engage.engine.catch_up()
    lines = rows(app.get("/compte/mes-actes"))
    assert lines[0].endswith("vérifié")
    assert lines[-1].endswith("pas encore inclus dans le dernier point de contrôle signé")


def test_the_acts_come_a_page_at_a_time_and_a_tampered_link_is_refused(make_app, monkeypatch):
    app = make_app(**SIGN_AT_ONCE)
    acts_of_someone(app)
    signed(app)
    monkeypatch.setattr(acts_pages, "PAGE_SIZE", 2)
    first = app.get("/compte/mes-actes")
    assert len(rows(first)) == 2 and "Revenir à mes premiers actes" not in first.text
    second = first.click("Actes suivants")
    assert len(rows(second)) == 1 and rows(second)[0].startswith("Dépôt d'une contribution")
    assert "Actes suivants" not in second.text
    for bad in ("abc", "1.", "12.Sealed", "9" * 30 + ".voter"):
        refused = app.get("/compte/mes-actes", {"apres": bad}, status=400)
        assert "Ce lien vers la suite de vos actes n'est pas valide" in refused.text


def test_only_a_signed_in_resident_has_acts(testapp):
    assert "/compte/connexion" in testapp.get("/compte/mes-actes", status=303).location
    assert "/compte/connexion" in testapp.get("/compte/mes-actes/ouvertures.json", status=303).location


def test_the_openings_download_holds_the_residents_acts_only(make_app):
    app = make_app(**SIGN_AT_ONCE)
    person_id = acts_of_someone(app)
    person(app, "yanis@exemple.fr", "Yanis du 20e")
    signed(app)
    response = app.get("/compte/mes-actes/ouvertures.json")
    assert response.content_type == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    document = response.json
    assert document["person_id"] == str(person_id)
    assert document["site"] == "http://localhost"
    assert document["origin"] == services(app).checkpoints.origin
    mine = acts.acts_of(services(app).db, person_id)
    assert document["acts"] == [
        {"index": a.leaf_index, "position": a.position, "field": a.field, "commitment": a.commitment, "salt": a.salt}
        for a in mine]


def test_the_query_pages_by_key_in_log_order(make_app):
    app = make_app(**SIGN_AT_ONCE)
    person_id = acts_of_someone(app)
    signed(app)
    db = services(app).db
    everything = acts.acts_of(db, person_id, limit=100)
    for page in (1, 2, 500):
        assert list(acts.all_acts_of(db, person_id, page=page)) == everything
    assert [a.position for a in everything] == sorted(a.position for a in everything)
    assert [a.type for a in everything] == ["AccountRegistered", "VoteCast", "ContributionPosted"]
