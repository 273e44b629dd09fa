"""Forms of the restitution: the City's answer to a contribution, and confirmations."""

from __future__ import annotations

import colander
import deform
from deform.schema import CSRFSchema

from engage.domain.restitution.model import ANSWER_STATUSES, JUSTIFICATION_MAX
from engage.i18n import _


class AnswerSchema(CSRFSchema):
    status = colander.SchemaNode(
        colander.String(), title=_("Suite donnée par la Ville"), missing_msg=_("Choisissez la suite donnée."),
        validator=colander.OneOf(list(ANSWER_STATUSES), msg_err=_("Choisissez la suite donnée.")),
        widget=deform.widget.RadioChoiceWidget(values=[(k, _(v)) for k, v in ANSWER_STATUSES.items()]))
    justification = colander.SchemaNode(
        colander.String(), title=_("Justification"), missing_msg=_("Expliquez la suite donnée."),
        description=_("De 10 à 2 000 caractères, publiés tels quels sur la page de la contribution et dans le rapport."),
        validator=colander.Length(max=JUSTIFICATION_MAX,
                                  max_err=_("La justification ne peut pas dépasser 2 000 caractères.")),
        widget=deform.widget.TextAreaWidget(rows=6))


