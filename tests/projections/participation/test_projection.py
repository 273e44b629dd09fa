"""The resident's history covers every act, ballots included, without the log naming a voter.

On both back ends: contributions, votes, moderation, questionnaires, charter amendments and
ballots, workshop feedback, representation, seats by lot; erasure deletes the lines; a
rebuild gives the same history; the transparency leaves carry only digests of sealed actors.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from uuid import uuid4

from engage.domain.seats import lots
from engage.projections.participation.projection import participation_history
from engage.scripts.charter_demo import advance
from tests.common.consultations import create_consultation
from tests.common.leaves import public_leaf
from tests.common.workshops import make_session

STAFF = uuid4()



def lines(engage, person_id):
    engage.engine.catch_up()
    return [(line.kind, line.summary, line.mapping) for line in participation_history(engage.db, person_id, limit=100)]


def summaries(engage, person_id):
    return [summary for _, summary, _ in lines(engage, person_id)]


def test_contributions_votes_questionnaires_and_amendments_reach_the_history(engage_services):
    engage = engage_services
    app = engage.app
    me = app.register_account(name="Inès Voteuse", email="ines@exemple.fr", display_name="Inès du 19e").person_id
    other = uuid4()
    consultation = create_consultation(app, title="Charte parisienne de la participation")
    mine = app.contribute(consultation_id=consultation, person_id=me, has_valid_card=True, kind="proposition",
                          theme="Budget participatif", text="Un budget par quartier.").id
    app.edit_contribution(mine, person_id=me, text="Un budget participatif par quartier.")
    theirs = app.contribute(consultation_id=consultation, person_id=other, has_valid_card=True, kind="avis",
                            theme="Budget participatif", text="D'accord avec l'idée.").id
    app.cast_vote(person_id=me, item_id=theirs, option="d-accord", has_valid_card=True)
    app.cast_vote(person_id=me, item_id=theirs, option="pas-d-accord", has_valid_card=True)
    app.withdraw_vote(person_id=me, item_id=theirs)
    app.cast_vote(person_id=other, item_id=mine, option="mitige", has_valid_card=True)  # someone else's ballot: not mine
    app.hide_contribution(mine, reason="Propos hors sujet", moderator_id=STAFF)
    questionnaire = app.create_questionnaire(
        title="Vos attentes pour 2027", introduction="", target="tous", created_by=STAFF,
        questions=[{"label": "Votre priorité ?", "kind": "choix-unique", "options": ["Logement", "Climat"]}]).id
    app.answer_questionnaire(questionnaire, person_id=me, answers={"q1": "Climat"}, in_target=True)
    app.start_charter()
    article = app.add_article(title="Principes", text="Ouverte à tous.").id.hex
    app.link_charter_to_consultation(consultation)
    advance(app, consultation, "redaction", by=STAFF)  # amendments are open in the drafting phase only
    amendment = app.propose_amendment(article_id=article, base_version=1, text="Ouverte à toutes et à tous.",
                                      rationale="Plus inclusif", author_id=me).id
    app.vote_on_amendment(amendment, person_id=me, choice="agree")
    app.vote_on_amendment(amendment, person_id=me, choice="mixed")
    app.reject_amendment(amendment, reason="Déjà couvert par l'article 2")

    history = lines(engage, me)
    found = [summary for _, summary, _ in history]
    expected = [
        "Votre amendement à l'article « ${article} » a été rejeté : ${motif}",
        "Vote changé en « ${choice} » sur un amendement à l'article « ${article} »",
        "Vote « ${choice} » sur un amendement à l'article « ${article} »",
        "Amendement proposé à l'article « ${article} » de la charte",
        "Réponse au questionnaire « ${title} »",
        "Contribution masquée par la modération (consultation « ${consultation} ») : ${motif}",
        "Vote retiré sur une contribution de la consultation « ${consultation} »",
        "Vote changé en « ${option} » sur une contribution de la consultation « ${consultation} »",
        "Vote « ${option} » sur une contribution de la consultation « ${consultation} »",
        "Contribution modifiée dans la consultation « ${consultation} »",
        "Contribution (${kind}) publiée dans la consultation « ${consultation} »",
    ]
    assert found[: len(expected)] == expected  # newest first; account lines follow
    by_summary = {summary: mapping for _, summary, mapping in history}
    assert by_summary[expected[0]] == {"article": "Principes", "motif": "Déjà couvert par l'article 2"}
    assert by_summary[expected[1]]["choice"] == "mixed"
    assert by_summary[expected[5]]["motif"] == "Propos hors sujet"
    assert by_summary[expected[7]] == {"option": "pas-d-accord",
                                       "consultation": "Charte parisienne de la participation"}
    assert by_summary[expected[4]] == {"title": "Vos attentes pour 2027"}
    # The other person's vote went to nobody's history but theirs (they have no account here).
    assert [s for s in summaries(engage, other) if s.startswith("Vote")] == [
        "Vote « ${option} » sur une contribution de la consultation « ${consultation} »"]

    # The public log: sealed actors appear as per-act commitments, and no leaf names the voter.
    leaves = [public_leaf(event, n.id) for n in app.recorder.select_notifications(start=1, limit=10_000)
              for event in [app.mapper.to_domain_event(n)]
              if type(event).__name__ in ("VoteCast", "VoteChanged", "AmendmentBallotCast", "QuestionnaireAnswered")]
    assert {leaf["type"] for leaf in leaves} == {"VoteCast", "VoteChanged", "AmendmentBallotCast",
                                                 "QuestionnaireAnswered"}
    for leaf in leaves:
        text = json.dumps(leaf)
        assert me.hex not in text and str(me) not in text
    actors = [leaf["fields"].get("voter") or leaf["fields"].get("respondent") for leaf in leaves
              if leaf["type"] != "VoteChanged"]
    assert all(set(actor) == {"commitment"} for actor in actors)
    assert len({actor["commitment"] for actor in actors}) == len(actors)  # one per act, never shared

    # A rebuild gives the same history; erasure deletes it, and a rebuild agrees.
    before = lines(engage, me)
    engage.engine.rebuild(["participation_history"])
    assert lines(engage, me) == before
    app.erase_personal_data(me, requested_by=me)
    engage.vault.erase(me)
    assert summaries(engage, me) == ["Données personnelles effacées"]
    engage.engine.rebuild(["participation_history"])
    assert summaries(engage, me) == ["Données personnelles effacées"]


def test_feedback_representation_and_seats_by_lot_reach_the_history(engage_services):
    engage = engage_services
    app = engage.app
    issued = app.issue_card(name="Noé Tirage", email="noe@exemple.fr", arrondissement=19, age_band="18-24",
                            consent_to_consultation=True)
    me = issued.person_id
    app.register_account(name="Noé Tirage", email="noe@exemple.fr", display_name="Noé", person_id=me)
    session, facilitator = make_session(app, title="Prendre la parole en public")
    app.register_for_session(session, me, card_ids=[issued.card_id])
    starts = app.get_session(session).starts_at
    app.record_attendance(session, {me: True}, by=facilitator, now=starts + timedelta(minutes=10))
    app.give_feedback(session, me, rating=4, comment="Très utile, merci.")
    body = app.register_organization(name="Conseil parisien de la jeunesse", kind="consultative-body",
                                     description="Une instance consultative des jeunes Parisiens.",
                                     website="", arrondissement=None, registered_by=STAFF)
    app.attach_representative(body.id, email="noe@exemple.fr", attached_by=STAFF)
    call = app.open_seat_call(body.id, title="Sièges 2027", seats=1, strata=[], opened_by=STAFF)
    app.volunteer_for_seat(call.id, person_id=me, card_id=issued.card_id)
    seed = secrets.token_hex(32)
    app.commit_seat_seed(call.id, seed_sha256=lots.seed_commitment(seed), committed_by=STAFF)
    app.close_seat_call(call.id, closed_by=STAFF)
    app.reveal_seat_seed(call.id, seed=seed, revealed_by=STAFF)

    history = {summary: mapping for _, summary, mapping in lines(engage, me)}
    assert history["Avis donné sur l'atelier « ${title} » (note ${rating} sur 5)"] == {
        "title": "Prendre la parole en public", "rating": 4}
    assert history["Désigné·e représentant·e de « ${organization} »"] == {
        "organization": "Conseil parisien de la jeunesse"}
    assert history["Candidature au tirage au sort « ${call} »"] == {"call": "Sièges 2027"}
    assert history["Tiré·e au sort pour siéger : « ${call} »"] == {"call": "Sièges 2027"}  # the only volunteer
    assert "Présence à une séance d'atelier" in history
    # The facilitator's history has the session's roll, not the attendee's feedback.
    assert "Avis donné sur l'atelier « ${title} » (note ${rating} sur 5)" not in summaries(engage, facilitator)
