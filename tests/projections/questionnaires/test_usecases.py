"""Targeted questionnaires: one response per person (event store), targets, results."""

from __future__ import annotations

import json
import threading
from uuid import uuid4

import pytest

from engage.domain.questionnaires import errors as qn_errors
from engage.projections.questionnaires import queries as qq
from tests.common.consultations import EDITOR
from tests.common.leaves import public_leaf

QUESTIONS = [
    {"label": "Votre priorité ?", "kind": "choix-unique", "required": True,
     "options": ["Information", "Budget participatif", "Quartiers"]},
    {"label": "Quels canaux utilisez-vous ?", "kind": "choix-multiple", "required": False,
     "options": ["Site", "Réunions", "Affichage"]},
    {"label": "Votre confiance dans la Ville", "kind": "echelle", "required": True},
    {"label": "Une idée ?", "kind": "texte", "required": False},
]


def create(app, target="tous", **kw):
    return app.create_questionnaire(title="La charte et vous", introduction="Cinq minutes.",
                                    questions=QUESTIONS, target=target, created_by=EDITOR, **kw).id


def test_answers_are_checked_counted_and_the_free_text_sealed(engage_services):
    app = engage_services.app
    qid = create(app)
    person = uuid4()
    for bad, error in (({"q1": "Autre", "q3": "3"}, qn_errors.InvalidAnswer), ({"q3": "3"}, qn_errors.AnswerRequired),
                       ({"q1": ["Information", "Quartiers"], "q3": "3"}, qn_errors.InvalidAnswer),
                       ({"q1": "Information", "q3": "9"}, qn_errors.InvalidAnswer),
                       ({"q1": "Information", "q3": "3", "q4": "x" * 2001}, qn_errors.InvalidAnswer)):
        with pytest.raises(error):
            app.answer_questionnaire(qid, person_id=person, answers=bad, in_target=True)
    with pytest.raises(qn_errors.NotInTarget):
        app.answer_questionnaire(qid, person_id=person, answers={"q1": "Information", "q3": "3"}, in_target=False)
    answered = app.answer_questionnaire(qid, person_id=person, in_target=True, answers={
        "q1": "Information", "q2": ["Site", "Réunions"], "q3": "4", "q4": "Des réunions le samedi"})
    with pytest.raises(qn_errors.AlreadyAnswered):
        app.answer_questionnaire(qid, person_id=person, answers={"q1": "Quartiers", "q3": "1"}, in_target=True)
    app.answer_questionnaire(qid, person_id=uuid4(), answers={"q1": "Information", "q3": "2"}, in_target=True)
    engage_services.engine.catch_up()
    db = engage_services.db
    counts = qq.counts(db, qid.hex)
    assert counts["q1"] == {"Information": 2} and counts["q2"] == {"Site": 1, "Réunions": 1}
    assert counts["q3"] == {"4": 1, "2": 1}
    assert qq.texts(db, qid.hex, "q4")[0] == ["Des réunions le samedi"]
    assert qq.questionnaire(db, qid.hex).responses == 2
    (event,) = app.events.get(answered.id)
    public = json.dumps(public_leaf(event, 1), ensure_ascii=False)
    assert person.hex not in public.replace("-", "") and "samedi" not in public
    app.close_questionnaire(qid, by=EDITOR)
    with pytest.raises(qn_errors.QuestionnaireClosed):
        app.answer_questionnaire(qid, person_id=uuid4(), answers={"q1": "Information", "q3": "2"}, in_target=True)


def test_concurrent_first_answers_by_one_person_count_once(engage_services):
    app = engage_services.app
    qid = create(app)
    person = uuid4()
    barrier = threading.Barrier(6)
    outcomes = []

    def answer():
        barrier.wait()
        try:
            app.answer_questionnaire(qid, person_id=person, answers={"q1": "Information", "q3": "5"}, in_target=True)
            outcomes.append("ok")
        except qn_errors.AlreadyAnswered:
            outcomes.append("refused")

    threads = [threading.Thread(target=answer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 5
    engage_services.engine.catch_up()
    assert qq.questionnaire(engage_services.db, qid.hex).responses == 1


def test_targets_read_cards_members_and_organizations(engage_services):
    app, db = engage_services.app, engage_services.db
    holder, other = uuid4(), uuid4()
    app.issue_card(name="Léa Martin", email="lea@exemple.fr", arrondissement=20, age_band="25-34",
                   consent_to_consultation=True, person_id=holder)
    engage_services.engine.catch_up()
    assert qq.in_target(db, other, "tous", None)
    assert qq.in_target(db, holder, "carte", None) and not qq.in_target(db, other, "carte", None)
    # Without the members or organizations read models (another branch), nobody qualifies.
    assert not qq.in_target(db, holder, "budget-participatif", None)
    assert not qq.in_target(db, holder, "organisation", uuid4().hex)
    with pytest.raises(qn_errors.InvalidTarget):
        create(app, target="organisation")
    with pytest.raises(qn_errors.InvalidQuestion):
        app.create_questionnaire(title="Questionnaire", introduction="", target="tous", created_by=EDITOR,
                                 questions=[{"label": "Un seul choix ?", "kind": "choix-unique", "options": ["Oui"]}])
