"""Personal data: the resident's download, erasure by the resident or an admin, and the raw
bytes of the database, which must never hold a name or an email in clear.

What may hold clear personal data, and only until the person is erased (the projections
null it on PersonalDataErased, and a rebuild finds it unreadable): CLEAR_ALLOWED below.
The credentials and link tokens are deleted at erasure; the vault's key row is deleted
(with SQLite's secure_delete, its bytes are overwritten).
"""

from __future__ import annotations

import json
from pathlib import Path
from uuid import uuid4

from engage.domain.accounts.model import Role
from engage.domain.cards.model import card_id_for_person
from engage.domain.members.model import member_id_for
from tests.common.accounts import (
    CARD_NUMBER,
    PASSWORD,
    log_out,
    request_card,
    resident,
    services,
    staff,
)

NAME = "Zébulon Quincampoix"
EMAIL = "zebulon.quincampoix@exemple.fr"
DISPLAY = "Zeb du 5e"
# (table, column): the only places a clear personal value may be, until erasure.
CLEAR_ALLOWED = {("rm_cards", "number"), ("rm_card_history", "detail"), ("rm_card_details", "category")}
EVENT_TABLES = ("stored_events", "engage_events")


def seeded_resident(app):
    person_id = resident(app, email=EMAIL, name=NAME, display_name=DISPLAY)
    number = CARD_NUMBER.search(request_card(app, category="3").text).group(0).replace(" ", "")
    return person_id, number


def needles(number):
    return {"name": NAME, "email": EMAIL, "email-local-part": "quincampoix", "card number": number}


def table_rows(engage) -> dict[tuple[str, str], str]:
    """Every table's every cell as text: {(table, column): all its values joined}."""
    cells: dict[tuple[str, str], list[str]] = {}
    db = engage.db
    with db.reading() as cur:
        if db.backend == "sqlite":
            tables = [r[0] for r in cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
        else:
            tables = [r[0] for r in cur.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").fetchall()]
        for table in tables:
            result = cur.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in result._cursor.description]
            for row in result.fetchall():
                for column, value in zip(columns, row):
                    if isinstance(value, (bytes, bytearray, memoryview)):
                        value = bytes(value).decode("utf-8", "replace")
                    cells.setdefault((table, column), []).append(str(value))
    return {key: "\n".join(values) for key, values in cells.items()}


def raw_sqlite_bytes(engage) -> bytes:
    path = Path(engage.db.url.path)
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def where(engage, needle: str) -> set[tuple[str, str]]:
    return {key for key, text in table_rows(engage).items() if needle.lower() in text.lower()}


def test_sign_up_and_card_request_leave_no_clear_personal_data_in_the_events(testapp):
    engage = services(testapp)
    _, number = seeded_resident(testapp)
    engage.engine.catch_up()
    for label, needle in needles(number).items():
        found = where(engage, needle)
        assert not {k for k in found if k[0].lower() in EVENT_TABLES}, f"{label} in the event store: {found}"
        assert found <= CLEAR_ALLOWED, f"{label} outside the erasable read models: {found - CLEAR_ALLOWED}"
    assert where(engage, number) == {("rm_cards", "number")}
    assert {t for t, _ in table_rows(engage)} & set(EVENT_TABLES), "the scan must see the event store"
    if engage.db.backend == "sqlite":
        raw = raw_sqlite_bytes(engage)
        assert number.encode() in raw  # the grep sees the read models' bytes
        for needle in (NAME, EMAIL, "quincampoix"):
            assert needle.encode() not in raw, f"{needle} in the SQLite file's bytes"


def test_after_erasure_nothing_readable_anywhere(testapp):
    engage = services(testapp)
    # The person is also on the participatory-budget list (name and email sealed with the
    # member's key), linked to their account when they log in.
    engage.app.import_membership_list(
        f"email;arrondissement;nom;date d'adhésion\n{EMAIL};5;{NAME};2024-03-01\n".encode(), imported_by=uuid4())
    member_id = member_id_for(EMAIL, engage.app.identifier_key)
    person_id, number = seeded_resident(testapp)
    assert engage.app.get_pb_member(member_id).linked
    page = testapp.get("/compte/effacer")
    assert "définitivement" in page.text and "Revenir à mon compte sans rien effacer" in page.text
    form = page.forms["erase"]
    form["password"] = PASSWORD  # irreversible: the current password again
    done = form.submit("submit", status=303).follow()
    assert "sont effacées" in done.text
    engage.engine.catch_up()
    engage.db.scrub()
    for label, needle in needles(number).items():
        assert not where(engage, needle), f"{label} still readable after erasure: {where(engage, needle)}"
    if engage.db.backend == "sqlite":
        raw = raw_sqlite_bytes(engage)
        for needle in (NAME, EMAIL, number):
            assert needle.encode() not in raw, f"{needle} in the SQLite file's bytes after erasure"
    # The person reads as erased; the account is closed; replays and rebuilds still work.
    from engage.projections.accounts import queries as account_queries
    from engage.projections.cards import queries as card_queries
    assert account_queries.person(engage.db, person_id).display_name == "Personne effacée"
    log_in_page = testapp.get("/compte", status=303)
    assert "/compte/connexion" in log_in_page.location
    form = testapp.get("/compte/connexion").forms["login"]
    form["email"], form["password"] = EMAIL, PASSWORD
    assert "incorrect" in form.submit("submit", status=400).text
    engage.engine.rebuild()
    assert account_queries.person(engage.db, person_id).display_name == "Personne effacée"
    card = card_queries.card_of_person(engage.db, person_id)
    assert card.number is None and card.status == "closed" and card.category is None
    assert engage.vault.unseal(person_id, engage.app.get_account(person_id).sealed_identity) is None
    member = engage.app.get_pb_member(member_id)
    assert member.erased and engage.vault.unseal(member_id, member.sealed_identity) is None
    for label, needle in needles(number).items():
        assert not where(engage, needle), f"{label} readable after a rebuild: {where(engage, needle)}"
    # The address is free again: the same person may sign up anew, as someone new.
    assert engage.app.find_person_by_email(EMAIL) is None
    again = resident(testapp, email=EMAIL, name=NAME, display_name="Zeb, le retour")
    assert again != person_id and engage.app.find_person_by_email(EMAIL) == again


def test_the_resident_downloads_all_their_data(testapp):
    person_id, number = seeded_resident(testapp)
    response = testapp.get("/compte/mes-donnees")
    assert response.content_type == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.text)
    assert data["account"]["name"] == NAME and data["account"]["email"] == EMAIL
    assert data["account"]["display_name"] == DISPLAY
    [card] = data["cards"]
    assert card["number"] == number and card["socio_professional_category"] == "3"
    assert card["consents"] == {"consultation": True, "newsletter": False}
    summaries = [line["summary"] for line in data["participation_history"]]
    assert "Carte Citoyen·ne délivrée" in summaries and "Compte créé" in summaries
    log_out(testapp)
    assert "/compte/connexion" in testapp.get("/compte/mes-donnees", status=303).location


def test_an_admin_erases_on_request_after_a_confirmation(testapp):
    engage = services(testapp)
    person_id, number = seeded_resident(testapp)
    log_out(testapp)
    staff(testapp, Role.ADMIN)
    form = testapp.get("/admin/effacement").forms["erasure-lookup"]
    form["email"] = "personne@exemple.fr"
    assert "Aucun compte n'existe" in form.submit("submit", status=400).text
    form["email"] = "pas une adresse"
    assert "adresse électronique valide" in form.submit("submit", status=400).text
    head = engage.engine.head()
    form["email"] = EMAIL
    confirm = form.submit("submit")
    assert "Confirmer l'effacement" in confirm.text and DISPLAY in confirm.text
    assert engage.engine.head() == head  # nothing yet
    confirm.forms["erasure-confirm"].submit("submit")
    assert engage.app.get_account(person_id).erased
    assert engage.vault.unseal(person_id, engage.app.get_account(person_id).sealed_identity) is None
    page = testapp.get(f"/admin/cartes/{card_id_for_person(person_id).hex}")
    assert "close" in page.html.select_one(".card-status").text and number not in page.text.replace(" ", "")


def test_the_download_fills_the_history_summaries_and_holds_the_residents_own_texts(testapp):
    from tests.common.consultations import contribute, create_consultation
    engage = services(testapp)
    person_id, _ = seeded_resident(testapp)
    consultation = create_consultation(engage.app)
    mine = contribute(engage.app, consultation, person_id, text="Des bancs dans les squares, à l'ombre.")
    other = contribute(engage.app, consultation, text="Le texte de quelqu'un d'autre.")
    engage.wait_for(engage.app.cast_vote(person_id=person_id, item_id=other.id, option="d-accord",
                                         has_valid_card=True).position)
    engage.wait_for(mine.position)
    data = json.loads(testapp.get("/compte/mes-donnees").text)
    summaries = [line["summary"] for line in data["participation_history"]]
    assert not [s for s in summaries if "${" in s], summaries
    assert "Vote « D'accord » sur une contribution de la consultation « Charte parisienne de la participation »" \
        in summaries
    [text] = data["contributions"]
    assert text["text"] == "Des bancs dans les squares, à l'ombre." and text["kind"] == "proposition"
    assert "quelqu'un d'autre" not in json.dumps(data, ensure_ascii=False)


def test_erasure_asks_for_the_current_password_and_a_wrong_one_erases_nothing(testapp):
    engage = services(testapp)
    person_id, _ = seeded_resident(testapp)
    head = engage.engine.head()
    form = testapp.get("/compte/effacer").forms["erase"]
    assert form["password"].attrs["autocomplete"] == "current-password"
    refused = form.submit("submit", status=400)
    assert "Indiquez votre mot de passe actuel." in refused.text
    form = refused.forms["erase"]
    form["password"] = "pas le bon mot de passe"
    refused = form.submit("submit", status=400)
    assert "Mot de passe incorrect : rien n'a été effacé." in refused.text
    assert engage.engine.head() == head and not engage.app.get_account(person_id).erased
    assert testapp.get("/compte").status_int == 200  # still signed in
