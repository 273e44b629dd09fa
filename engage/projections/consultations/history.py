"""History lines for consultations: contributions, votes, moderation, meetings, questionnaires.

A contribution names its author (a pseudonymous person id, public like any author). A vote
and a questionnaire response have keyed ids and no person id: their first event carries
the person sealed (`sealed_voter`, `sealed_respondent`), opened here with the server's
actor key and remembered, so a changed or withdrawn vote finds its voter too. The line
shows the resident their own choice: the history is private to them.

Public meetings: the log has a headcount and shows of hands, never who was there, and a
contribution typed in at a meeting has no author: only the facilitator's act is attributable.
"""

from __future__ import annotations

from engage.domain.consultations.model import Consultation, Contribution, PublicMeeting, Vote
from engage.domain.questionnaires.model import Questionnaire, QuestionnaireResponse
from engage.i18n import _
from engage.projections.participation.projection import (
    Entry,
    choice_mapping,
    describes,
    sealed_actor_line,
    subject_line,
)

KIND = "contribution"


@describes(Consultation.ConsultationCreated)
def consultation_created(event, ctx):
    ctx.name(event.originator_id, event.title)


@describes(Consultation.ConsultationRevised)
def consultation_revised(event, ctx):
    ctx.name(event.originator_id, event.title)


@describes(Contribution.ContributionPosted)
def posted(event, ctx):
    ctx.name(event.originator_id, ctx.title_of(event.consultation_id))  # for votes on it
    if event.author_id is None:  # typed in from a meeting or paper: nobody's history
        return None
    ctx.remember(event.originator_id, event.author_id)
    mapping = {"kind": event.kind, "consultation": ctx.title_of(event.consultation_id)}
    if event.organization_id is not None:
        mapping["organization"] = ctx.title_of(event.organization_id)
        summary = _("Contribution (${kind}) publiée au nom de « ${organization} » dans la consultation « ${consultation} »")
        return Entry(event.author_id, KIND, summary, mapping)
    if event.parent_id is not None:
        return Entry(event.author_id, KIND, _("Réponse (${kind}) publiée dans la consultation « ${consultation} »"),
                     mapping)
    return Entry(event.author_id, KIND, _("Contribution (${kind}) publiée dans la consultation « ${consultation} »"),
                 mapping)


def _author_line(summary, mapping=None):
    def values(event, ctx):
        return {"consultation": ctx.title_of(event.originator_id), **(mapping(event) if mapping else {})}

    return subject_line(KIND, summary, values)


describes(Contribution.ContributionEdited)(_author_line(
    _("Contribution modifiée dans la consultation « ${consultation} »")))
describes(Contribution.ContributionWithdrawn)(_author_line(
    _("Contribution retirée de la consultation « ${consultation} »")))
# The moderation reason is public (it is shown in the item's place): the author sees it too.
describes(Contribution.ContributionHidden)(_author_line(
    _("Contribution masquée par la modération (consultation « ${consultation} ») : ${motif}"),
    lambda e: {"motif": e.reason}))
describes(Contribution.ContributionRestored)(_author_line(
    _("Contribution rétablie par la modération (consultation « ${consultation} »)")))
describes(Contribution.ContributionFlaggedForStudy)(_author_line(
    _("Contribution retenue pour étude : elle a atteint ${votes} soutiens (consultation « ${consultation} »)"),
    lambda e: {"votes": e.agree_votes}))


describes(Vote.VoteCast)(sealed_actor_line(
    "sealed_voter", "vote", _("Vote « ${option} » sur une contribution de la consultation « ${consultation} »"),
    choice_mapping("option", "consultation", lambda e: e.item_id), remember=True))
describes(Vote.VoteChanged)(subject_line(
    "vote", _("Vote changé en « ${option} » sur une contribution de la consultation « ${consultation} »"),
    choice_mapping("option", "consultation", lambda e: e.originator_id)))
describes(Vote.VoteWithdrawn)(subject_line(
    "vote", _("Vote retiré sur une contribution de la consultation « ${consultation} »"),
    lambda e, ctx: {"consultation": ctx.title_of(e.originator_id)}))


@describes(PublicMeeting.PublicMeetingScheduled)
def meeting_scheduled(event, ctx):
    return Entry(event.facilitator_id, "meeting", _("Réunion publique à animer : « ${title} »"),
                 {"title": event.title})


@describes(Questionnaire.QuestionnaireCreated)
def questionnaire_created(event, ctx):
    ctx.name(event.originator_id, event.title)


describes(QuestionnaireResponse.QuestionnaireAnswered)(sealed_actor_line(
    "sealed_respondent", "questionnaire", _("Réponse au questionnaire « ${title} »"),
    lambda e, ctx: {"title": ctx.title_of(e.questionnaire_id)}))
