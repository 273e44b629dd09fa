"""Members, organizations and seats through the application and read models, on both back ends."""

import secrets
from uuid import uuid4

import pytest

from engage.domain.members.model import member_id_for
from engage.domain.organizations.errors import NoAccountForEmail, NotARepresentative, OrganizationNameTaken
from engage.domain.seats import lots
from engage.domain.seats.errors import AlreadyVolunteered, CardHolderRequired, SeedDoesNotMatch
from engage.projections.members import queries as member_queries
from engage.projections.organizations import queries as organization_queries
from engage.projections.seats import queries as seat_queries

STAFF = uuid4()


def members_csv(count, start=0, extra=""):
    lines = ["email;arrondissement;nom;date d'adhésion"]
    lines += [f"membre{i}@exemple.fr;{1 + i % 20};Membre {i};2024-01-{1 + i % 28:02d}" for i in range(start, start + count)]
    return ("\n".join(lines) + "\n" + extra).encode()


def import_(engage, data, **kw):
    return engage.app.import_membership_list(
        data, imported_by=STAFF, known_members=lambda ids: member_queries.existing_pb_members(engage.db, ids), **kw)


def test_import_is_idempotent_and_reports_what_it_skips(engage_services):
    engage = engage_services
    report = import_(engage, members_csv(50, extra="MEMBRE3@exemple.fr;4;Doublon;\n"))
    assert (report.imported, len(report.duplicates), report.refused) == (50, 1, False)
    engage.engine.catch_up()
    assert member_queries.pb_member_counts(engage.db) == (50, 0)
    head = engage.engine.head()
    # The same file again: nothing at all.
    again = import_(engage, members_csv(50, extra="MEMBRE3@exemple.fr;4;Doublon;\n"))
    assert again.already_imported and engage.engine.head() == head
    # An overlapping file: only the new members; the others reported line by line.
    overlap = import_(engage, members_csv(20, start=40))
    assert overlap.imported == 10 and [p.line for p in overlap.already_present] == list(range(2, 12))
    engage.engine.catch_up()
    assert member_queries.pb_member_counts(engage.db) == (60, 0)
    assert len(list(member_queries.iter_pb_members(engage.db, page_size=7))) == 60
    assert {m.arrondissement for m in member_queries.iter_pb_members(engage.db, arrondissements=[3])} == {3}
    imports = member_queries.recent_imports(engage.db)
    assert [(i.imported, i.already_present, i.duplicates_in_file) for i in imports] == [(10, 10, 0), (50, 0, 1)]


def test_a_malformed_file_writes_nothing(engage_services):
    report = import_(engage_services, members_csv(10, extra="pas-une-adresse;11;;\n"))
    assert report.refused and report.errors[0].line == 12
    assert engage_services.engine.head() == 0


def test_an_interrupted_import_resumes_without_doubles(engage_services, monkeypatch):
    engage = engage_services
    data = members_csv(30)
    real_save = type(engage.app).save
    calls = {"n": 0}

    def failing_save(self, *aggregates, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("database went away")
        return real_save(self, *aggregates, **kw)

    monkeypatch.setattr(type(engage.app), "save", failing_save)
    with pytest.raises(RuntimeError):
        import_(engage, data, batch_size=10)
    monkeypatch.setattr(type(engage.app), "save", real_save)
    engage.engine.catch_up()
    assert member_queries.pb_member_counts(engage.db)[0] == 20  # two whole batches, no import event yet
    assert not member_queries.recent_imports(engage.db)
    # Pretend the read model lags: the event store still refuses the doubles.
    resumed = engage.app.import_membership_list(data, imported_by=STAFF, batch_size=10)
    assert (resumed.imported, len(resumed.already_present)) == (10, 20)
    engage.engine.catch_up()
    assert member_queries.pb_member_counts(engage.db)[0] == 30
    assert import_(engage, data).already_imported


def test_members_are_sealed_and_linked_at_sign_up(engage_services):
    engage = engage_services
    import_(engage, members_csv(3))
    member = engage.app.get_pb_member(member_id_for("membre1@exemple.fr", engage.app.identifier_key))
    assert engage.vault.unseal(member.id, member.sealed_identity)["email"] == "membre1@exemple.fr"
    registered = engage.app.register_account(name="M Un", email="Membre1@exemple.fr", display_name="Membre un")
    assert engage.app.link_pb_member(registered.person_id, "membre1@exemple.fr")
    assert engage.app.link_pb_member(registered.person_id, "membre1@exemple.fr") is None
    assert engage.app.link_pb_member(registered.person_id, "inconnu@exemple.fr") is None
    engage.engine.catch_up()
    assert member_queries.pb_member_counts(engage.db) == (3, 1)


def test_organizations_representatives_and_offers(engage_services):
    app, db = engage_services.app, engage_services.db
    org = app.register_organization(name="Les Amis du Canal", kind="association",
                                    description="Une association de quartier du 10e.",
                                    website="https://amis-du-canal.example.org", arrondissement=10,
                                    registered_by=STAFF)
    with pytest.raises(OrganizationNameTaken):
        app.register_organization(name="les amis  du canal", kind="association", description="Encore une fois.",
                                  website="", arrondissement=None, registered_by=STAFF)
    with pytest.raises(NoAccountForEmail):
        app.attach_representative(org.id, email="personne@exemple.fr", attached_by=STAFF)
    rep = app.register_account(name="Rita Rep", email="rita@exemple.fr", display_name="Rita du 10e").person_id
    app.attach_representative(org.id, email="RITA@exemple.fr", attached_by=STAFF)
    app.check_representative(rep, org.id)
    stranger = uuid4()
    with pytest.raises(NotARepresentative):
        app.check_representative(stranger, org.id)
    offer = dict(title="Balade au fil du canal", description="Une visite commentée du canal Saint-Martin.",
                 kind="cultural", arrondissement=10, starts_on="2027-05-01", ends_on="2027-05-31",
                 link="https://amis-du-canal.example.org/balades", card_conditions="Gratuit sur présentation de la carte.")
    with pytest.raises(NotARepresentative):
        app.publish_offer(org.id, published_by=stranger, **offer)
    published = app.publish_offer(org.id, published_by=rep, **offer)
    engage_services.engine.catch_up()
    offers, total = organization_queries.offers_page(db, kind="cultural")
    assert total == 1 and offers[0].organization_name == "Les Amis du Canal"
    assert organization_queries.organizations_page(db, arrondissement="city")[1] == 0
    assert organization_queries.representatives(db, org.id) == [(rep.hex, "Rita du 10e")]
    app.detach_representative(org.id, person_id=rep, detached_by=STAFF)
    with pytest.raises(NotARepresentative):
        app.withdraw_offer(published.id, withdrawn_by=rep)
    app.withdraw_offer(published.id, withdrawn_by=STAFF, as_staff=True)
    engage_services.engine.catch_up()
    assert organization_queries.offers_page(db)[1] == 0 and organization_queries.representatives(db, org.id) == []


def test_seat_call_draw_is_recomputable_from_the_public_record(engage_services):
    engage = engage_services
    app, db = engage.app, engage.db
    body = app.register_organization(name="Conseil parisien de la jeunesse", kind="consultative-body",
                                     description="Une instance consultative des jeunes Parisiens.",
                                     website="", arrondissement=None, registered_by=STAFF)
    strata = [{"label": "Nord-est", "arrondissements": [18, 19, 20], "age_bands": [], "quota": 1}]
    call = app.open_seat_call(body.id, title="Sièges 2027", seats=3, strata=strata, opened_by=STAFF)
    people = []
    for i in range(8):
        issued = app.issue_card(name=f"P {i}", email=f"p{i}@exemple.fr", arrondissement=15 + i % 6,
                                age_band="18-24", consent_to_consultation=True)
        people.append(issued)
        app.volunteer_for_seat(call.id, person_id=issued.person_id, card_id=issued.card_id)
    with pytest.raises(AlreadyVolunteered):
        app.volunteer_for_seat(call.id, person_id=people[0].person_id, card_id=people[0].card_id)
    with pytest.raises(CardHolderRequired):
        app.volunteer_for_seat(call.id, person_id=uuid4(), card_id=people[1].card_id)
    seed = secrets.token_hex(32)
    app.commit_seat_seed(call.id, seed_sha256=lots.seed_commitment(seed), committed_by=STAFF)
    app.close_seat_call(call.id, closed_by=STAFF)
    with pytest.raises(SeedDoesNotMatch):
        app.reveal_seat_seed(call.id, seed=secrets.token_hex(32), revealed_by=STAFF)
    app.reveal_seat_seed(call.id, seed=seed, revealed_by=STAFF)
    engage.engine.catch_up()
    public = seat_queries.seat_call(db, call.id)
    volunteers = seat_queries.seat_volunteers(db, call.id)
    assert len(volunteers) == 8 and public.seed == seed
    from tests.common.seats import independent_draw
    assert public.selected == independent_draw(public.seed, volunteers, public.seats, public.strata)
    assert lots.seed_commitment(public.seed) == public.commitment


def test_concurrent_sign_ups_one_per_person_none_lost(engage_services):
    import threading

    app = engage_services.app
    body = app.register_organization(name="Commission Parisienne du Débat Public", kind="consultative-body",
                                     description="Garante de la participation à Paris.", website="",
                                     arrondissement=None, registered_by=STAFF)
    call = app.open_seat_call(body.id, title="Sièges", seats=2, strata=[], opened_by=STAFF)
    cards = [app.issue_card(name=f"C {i}", email=f"c{i}@exemple.fr", arrondissement=1 + i, age_band="25-34",
                            consent_to_consultation=True) for i in range(6)]
    outcomes = []

    def sign_up(card):
        try:
            app.volunteer_for_seat(call.id, person_id=card.person_id, card_id=card.card_id)
            outcomes.append("ok")
        except AlreadyVolunteered:
            outcomes.append("refused")

    # The same person four times at once, and five others, all concurrently.
    threads = [threading.Thread(target=sign_up, args=(cards[0],)) for _ in range(4)]
    threads += [threading.Thread(target=sign_up, args=(card,)) for card in cards[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 6 and outcomes.count("refused") == 3
    assert len(app.get_seat_call(call.id).volunteers) == 6


def test_member_events_carry_no_clear_personal_field(engage_services):
    engage = engage_services
    import_(engage, members_csv(2))
    member_id = member_id_for("membre0@exemple.fr", engage.app.identifier_key)
    registered = engage.app.register_account(name="M Zéro", email="membre0@exemple.fr", display_name="Membre zéro")
    engage.app.link_pb_member(registered.person_id, "membre0@exemple.fr")
    for notification in engage.app.recorder.select_notifications(start=1, limit=100):
        assert b"membre0" not in notification.state and b"Membre 0" not in notification.state
        if notification.originator_id == member_id:
            assert registered.person_id.hex.encode() not in notification.state
