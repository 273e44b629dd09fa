"""The accredited auditor's form: the public key the openings are encrypted to."""

from __future__ import annotations

import colander
import deform
from deform.schema import CSRFSchema

from engage.i18n import _
from engage.transparency.sealed_openings import SealedOpeningsError, parse_public_key


def _public_key(node, value):
    try:
        parse_public_key(value)
    except SealedOpeningsError:
        raise colander.Invalid(node, _(
            "Ce n'est pas une clé publique d'auditeur : collez la ligne « engage-auditor-key … » du"
            " fichier .pub écrit par engage-audit --keygen.")) from None


class AuditorKeySchema(CSRFSchema):
    public_key = colander.SchemaNode(
        colander.String(),
        title=_("Votre clé publique d'auditeur"),
        description=_("La ligne du fichier .pub écrit par « engage-audit --keygen FICHIER »."),
        missing_msg=_("Collez votre clé publique d'auditeur."),
        validator=colander.All(colander.Length(max=200, max_err=_("Ce champ est trop long.")), _public_key),
        widget=deform.widget.TextInputWidget(attributes={"spellcheck": "false", "autocomplete": "off"}),
    )
