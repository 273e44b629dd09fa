"""The questionnaires' route factory: a questionnaire by its id (404 when unknown)."""

from __future__ import annotations

from pyramid.decorator import reify

from engage.projections.questionnaires import queries as qq
from engage.views.resources import Resource


class QuestionnaireResource(Resource):
    @reify
    def questionnaire(self) -> qq.QuestionnaireView:
        return self.found(qq.questionnaire(self.db, self.request.matchdict["qid"]))
