"""The transparency log over HTTP: what an auditor needs, and nothing but public data.

Machine endpoints (English paths, stable): GET only, plain text or JSON, open to any
origin (CORS) since everything here is public. A bad parameter is a 400 with a JSON
error in French, never a 500. The page /transparence explains it all in plain French.

One page is not public: /transparence/audit-accredite, where an accredited auditor (the
audit permission) downloads the log's openings encrypted to their own key.
"""

from __future__ import annotations

import base64
import datetime
import logging

from pyramid.response import Response
from pyramid.view import exception_view_config, view_config

from engage.i18n import _
from engage.projections.transparency import cosignatures
from engage.projections.transparency import projection as tlog
from engage.projections.transparency.tiles import read_tile
from engage.security import Permission
from engage.transparency.note import NoteError
from engage.transparency.sealed_openings import FORMAT, parse_public_key, seal
from engage.transparency.tiles import TileError
from engage.views.toolkit import make_form, signed_in_person, validate, when
from engage.views.transparency.forms import AuditorKeySchema

log = logging.getLogger(__name__)

MAX_ENTRIES = 1000


class Refused(Exception):
    """A request the log cannot answer: the message says why, in French."""

    status = 400


class BadParameter(Refused):
    """Missing, not a number, or out of range."""


class UnknownCheckpoint(Refused):
    """A cosignature of a checkpoint this log never signed."""

    status = 409


class NotReady(Refused):
    """The stored tree is behind its own checkpoint: a rebuild is in progress."""

    status = 503


@exception_view_config(Refused, renderer="json")
def refused(error, request):
    request.response.status_int = error.status
    if error.status == 503:
        request.response.headers["Retry-After"] = "30"
    _public(request.response)
    return {"error": str(error)}


def _public(response) -> None:
    response.headers["Access-Control-Allow-Origin"] = "*"


def _text(body: str) -> Response:
    response = Response(body, content_type="text/plain", charset="utf-8")
    _public(response)
    return response


def _json(request, document):
    _public(request.response)
    return document


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _integer(request, name: str) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        raise BadParameter(f"Le paramètre « {name} » est obligatoire.")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise BadParameter(
            f"Le paramètre « {name} » doit être un nombre entier positif ou nul."
        )
    return int(raw)


def _signed_size(request) -> int:
    latest = tlog.current_checkpoint(request.engage.db)
    if latest is None:
        raise BadParameter("Le journal n'a encore signé aucun point de contrôle.")
    return latest.size


@view_config(route_name="transparency_checkpoint", request_method="GET")
def checkpoint(request):
    """The latest signed checkpoint, with the witnesses' cosignatures of it (C2SP
    tlog-cosignature: more signature lines of the same note; a verifier ignores the lines of
    keys it does not know)."""
    latest = tlog.current_checkpoint(request.engage.db)
    if latest is None:
        response = _text("Aucun point de contrôle signé pour l'instant : le journal est vide.\n")
        response.status_int = 404
        return response
    lines = cosignatures.lines_for(request.engage.db, latest.size)
    response = _text(latest.note + "".join(line + "\n" for line in lines))
    response.headers["Cache-Control"] = "no-cache"
    return response


@view_config(route_name="transparency_cosignature", request_method="POST", require_csrf=False,
             renderer="json")
def receive_cosignature(request):
    """A witness hands in its cosignature: a checkpoint's text, a blank line, its cosignature
    line. No session, no CSRF token: the signature of a configured witness is the credential."""
    try:
        note = request.body.decode("utf-8")
        kept = cosignatures.receive(request.engage.db, note, request.engage.witnesses)
    except UnicodeDecodeError:
        raise BadParameter("Le corps de la requête doit être du texte UTF-8.") from None
    except NoteError as error:
        raise BadParameter(f"Cosignature refusée : {error}") from None
    except cosignatures.UnknownCheckpoint as error:
        raise UnknownCheckpoint(f"Cosignature refusée : {error}") from None
    return _json(request, {"kept": [{"witness": c.witness, "size": c.size} for c in kept]})


@view_config(route_name="transparency_key", request_method="GET")
def key(request):
    return _text(request.engage.checkpoints.verifier_key + "\n")


@view_config(route_name="transparency_checkpoints", renderer="json", request_method="GET")
def checkpoints(request):
    return _json(
        request,
        [
            {
                "size": signed.size,
                "root_hash": _b64(signed.checkpoint.root),
                "signed_at": signed.signed_at,
                "key": signed.verifier_key,
                "note": signed.note,
            }
            for signed in tlog.signed_checkpoints(request.engage.db)
        ],
    )


@view_config(route_name="transparency_entries", renderer="json", request_method="GET")
def entries(request):
    start, end = _integer(request, "start"), _integer(request, "end")
    if end <= start:
        raise BadParameter(
            "« end » doit être strictement supérieur à « start » (end est exclu)."
        )
    if end - start > MAX_ENTRIES:
        raise BadParameter(f"Au plus {MAX_ENTRIES} entrées par requête.")
    size = tlog.tree_size(request.engage.db)
    if start >= size:
        raise BadParameter(f"« start » est au-delà du journal, qui compte {size} entrées.")
    # An end beyond the log is cut short, as Certificate Transparency's get-entries does.
    rows = tlog.entries(request.engage.db, start, min(end, size))
    return _json(
        request, {"entries": [{"index": index, "data": _b64(data)} for index, _, data in rows]}
    )


@view_config(route_name="transparency_inclusion", renderer="json", request_method="GET")
def inclusion(request):
    index, size = _integer(request, "index"), _integer(request, "size")
    signed = _signed_size(request)
    if not 1 <= size <= signed:
        raise BadParameter(
            f"« size » doit être compris entre 1 et {signed},"
            " la taille du dernier point de contrôle."
        )
    if index >= size:
        raise BadParameter("« index » doit être inférieur à « size ».")
    hashes = _proof(lambda: tlog.inclusion_proof(request.engage.db, index, size))
    return _json(request, {"index": index, "size": size, "hashes": [_b64(h) for h in hashes]})


@view_config(route_name="transparency_consistency", renderer="json", request_method="GET")
def consistency(request):
    old, new = _integer(request, "old"), _integer(request, "new")
    signed = _signed_size(request)
    if not 1 <= new <= signed:
        raise BadParameter(
            f"« new » doit être compris entre 1 et {signed},"
            " la taille du dernier point de contrôle."
        )
    if not 1 <= old <= new:
        raise BadParameter("« old » doit être compris entre 1 et « new ».")
    hashes = _proof(lambda: tlog.consistency_proof(request.engage.db, old, new))
    return _json(request, {"old": old, "new": new, "hashes": [_b64(h) for h in hashes]})


@view_config(route_name="transparency_tile", request_method="GET")
def tile(request):
    """C2SP tlog-tiles: a full tile never changes (cached for a year, immutable); the partial
    tile of the right edge is replaced as the log grows (cached a minute)."""
    path = "tile/" + request.matchdict["path"]
    try:
        data, full = read_tile(request.engage.db, path)
    except TileError as error:
        response = _text(f"Pas de tuile à cette adresse : {error}\n")
        response.status_int = 404
        return response
    response = Response(data, content_type="application/octet-stream")
    _public(response)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if full else "public, max-age=60"
    return response


def _proof(compute):
    try:
        return compute()
    except tlog.TreeTooShort:
        raise NotReady(
            "L'arbre est en cours de reconstruction : réessayez dans un instant."
        ) from None


@view_config(
    route_name="transparence", renderer="engage:templates/transparence.pt", request_method="GET"
)
def page(request):
    services = request.engage
    latest = tlog.current_checkpoint(services.db)
    return {
        "size": tlog.tree_size(services.db),
        "latest": latest,
        "signed_at": when(latest.signed_at, request.locale_name, time=True) if latest else None,
        "verifier_key": services.checkpoints.verifier_key,
        "witnesses": [
            {"name": c.witness, "size": c.size,
             "at": when(datetime.datetime.fromtimestamp(c.cosigned_at, datetime.timezone.utc),
                        request.locale_name, time=True)}
            for c in cosignatures.latest_by_witness(services.db)
        ],
        "origin": services.checkpoints.origin,
        "site": request.application_url,
    }



# -- the accredited level: openings for an auditor --------------------------------------------


@view_config(route_name="transparency_accredited", renderer="engage:templates/form_page.pt",
             permission=Permission.AUDIT)
def accredited(request):
    """An accredited auditor pastes their public key and downloads every opening of the log,
    encrypted to that key (engage.transparency.sealed_openings). Each download is a public
    act of the log (OpeningsReleased: the auditor's commitment and the tree size)."""
    page = {
        "title": _("Audit accrédité : les ouvertures du journal"),
        "intro": [
            _("Chaque engagement du journal public cache une personne. Ce fichier donne, pour chacun, la"
              " personne et le sel qui l'ouvrent : de quoi vérifier les règles qui demandent de relier des"
              " actes (une carte par personne, un vote par personne et par contribution, des inscriptions"
              " et des présences réservées aux détenteurs de la carte)."),
            _("Le fichier est chiffré pour votre seule clé : « engage-audit --keygen FICHIER » l'écrit, puis"
              " « engage-audit ADRESSE --accredited OUVERTURES --auditor-key FICHIER » le lit. Chaque"
              " téléchargement est inscrit dans le journal public."),
        ],
    }
    form = make_form(AuditorKeySchema, request, formid="auditor-key", button=_("Télécharger les ouvertures"))
    if request.method != "POST":
        return {**page, "form": form.render()}
    data = validate(form, request)
    if data is None:
        return {**page, "form": request.environ["engage.rendered_form"]}
    services = request.engage
    size, found, erased = tlog.openings_as_of(services.db)
    released = services.app.release_openings(auditor_id=signed_in_person(request), tree_size=size)
    sealed = seal({"format": FORMAT, "origin": services.checkpoints.origin, "tree_size": size,
                   "erased": erased, "openings": found}, parse_public_key(data["public_key"]))
    log.info("openings released to an auditor: %s openings of %s leaves, release %s at position %s",
             len(found), size, released.release_id, released.position)
    response = Response(sealed, content_type="application/octet-stream")
    response.content_disposition = f'attachment; filename="engage-openings-{size}.bin"'
    response.cache_control = "no-store"
    return response
