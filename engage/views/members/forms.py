"""The form of the participatory-budget membership import (a CSV file)."""

from __future__ import annotations

import colander
import deform
from deform.schema import CSRFSchema

from engage.headers import max_upload_bytes
from engage.i18n import _


def max_csv_bytes(node) -> int:
    """The file's limit: the upload limit (engage.max_upload_bytes), also waitress's and the
    body-size tween's for this route, so a file the form would refuse is refused before it is read
    when its size is announced; this check catches the bodies sent without one."""
    request = node.bindings.get("request") if node.bindings else None
    return max_upload_bytes(request.registry.settings if request is not None else {})


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
        limit = max_csv_bytes(node)
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise colander.Invalid(node, _("Le fichier dépasse ${megabytes} Mo.",
                                           mapping={"megabytes": limit // 1_000_000}))
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
