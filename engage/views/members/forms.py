"""The form of the participatory-budget membership import (a CSV file)."""

from __future__ import annotations

import colander
import deform
from deform.schema import CSRFSchema

from engage.i18n import _

MAX_CSV_BYTES = 20_000_000


class PlainFileWidget(deform.widget.Widget):
    """<input type="file">, no temporary store: the upload is read in the same request."""

    template = "file_plain"
    accept = ".csv,text/csv"

    def serialize(self, field, cstruct, **kw):
        return field.renderer(self.template, field=field, cstruct="", **kw)

    def deserialize(self, field, pstruct):
        if pstruct in (colander.null, None, "", b""):
            return colander.null
        return pstruct


class CsvUpload(colander.SchemaType):
    """A posted file → its bytes (checked: present, not empty, not too large)."""

    def serialize(self, node, appstruct):
        return colander.null

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        stream = getattr(cstruct, "file", None)
        if stream is None:
            raise colander.Invalid(node, _("Choisissez un fichier CSV à envoyer."))
        data = stream.read(MAX_CSV_BYTES + 1)
        if len(data) > MAX_CSV_BYTES:
            raise colander.Invalid(node, _("Le fichier dépasse 20 Mo."))
        if not data:
            raise colander.Invalid(node, _("Le fichier est vide."))
        return data


class MembershipImportSchema(CSRFSchema):
    membership_file = colander.SchemaNode(
        CsvUpload(),
        title=_("Liste des membres (fichier CSV)"),
        description=_("CSV encodé en UTF-8, séparateur virgule ou point-virgule. Colonnes : email et arrondissement (obligatoires), nom et date d'adhésion (facultatives)."),
        missing_msg=_("Choisissez un fichier CSV à envoyer."),
        widget=PlainFileWidget(),
    )
