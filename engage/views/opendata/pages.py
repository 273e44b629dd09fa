"""Open data over HTTP: packages (CSV, datapackage.json, zip), the DCAT-AP catalogue, the
change feed, the read-only JSON API with its OpenAPI document, and the page /opendata.

Machine answers are public: absolute URLs start with the configured public URL (never
the request's Host, so one cached copy serves every reader), GET only, CORS open to any origin, ETag and Last-Modified
derived from the change feed's positions (one indexed lookup), 304 when unchanged, and a
400 with a French JSON message for a bad parameter, never a 500.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import threading

from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories
from pyramid.response import Response
from pyramid.view import exception_view_config, view_config

from engage.opendata import REGISTRY, openapi, packages, query
from engage.opendata import catalog as dcat
from engage.opendata.exports import ExportCache, ExportsBusy, FileIter, instance_id
from engage.opendata.query import BadParameter, Selection
from engage.projections.opendata.queries import read_changes
from engage.public_url import public_base, public_url
from engage.views.toolkit import when

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link",
}


class NoSuchDataset(BadParameter):
    status = 404


# -- plumbing ---------------------------------------------------------------------------


def _public(response):
    response.headers.update(CORS)
    return response


def _json_response(document, status: int = 200, content_type: str = "application/json") -> Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response = Response(body=body, status=status, content_type=content_type, charset="utf-8")
    return _public(response)


@exception_view_config(BadParameter)
def refused(error, request):
    return _json_response({"error": str(error)}, status=getattr(error, "status", 400))


def _dataset(request):
    dataset = REGISTRY.get(request.matchdict["dataset"])
    if dataset is None:
        raise NoSuchDataset("Ce jeu de données n'existe pas : la liste est sur /opendata/catalog.jsonld.")
    return dataset


def _licence(request) -> dict:
    return packages.licence_from(request.registry.settings)


def _version(request, dataset) -> query.Version:
    with request.engage.db.reading() as cur:
        return query.version(cur, dataset)


def _conditional(request, response: Response, version: query.Version, *variant: str) -> Response | None:
    """Sets ETag and Last-Modified; returns a 304 when the client's copy is current."""
    seed = "|".join((version.token, public_base(request), *variant))
    etag = hashlib.sha256(seed.encode()).hexdigest()[:32]
    response.etag = etag
    if version.last_modified:
        response.last_modified = version.last_modified.replace(microsecond=0)
    response.cache_control = "public, max-age=60"
    matched = False
    if request.if_none_match:
        matched = etag in request.if_none_match
    elif request.if_modified_since and version.last_modified:
        matched = version.last_modified.replace(microsecond=0) <= request.if_modified_since
    if not matched:
        return None
    not_modified = Response(status=304)
    not_modified.etag = etag
    not_modified.last_modified = response.last_modified
    not_modified.cache_control = response.cache_control
    return _public(not_modified)


def _french(msgid) -> str:
    return str(msgid)  # msgids are the French text


def translators(request) -> dict:
    directories = request.registry.queryUtility(ITranslationDirectories, default=[])
    english = make_localizer("en", directories)
    return {"fr": _french, "en": english.translate}


# -- packages ---------------------------------------------------------------------------


def _package(request, dataset, version) -> dict:
    return packages.datapackage(
        REGISTRY, dataset, licence=_licence(request), base_url=public_base(request),
        created=version.last_modified,
    )


@view_config(route_name="opendata_datapackage", request_method="GET")
def datapackage(request):
    dataset = _dataset(request)
    version = _version(request, dataset)
    response = Response(content_type="application/json", charset="utf-8")
    cached = _conditional(request, response, version, "datapackage", _licence(request)["name"])
    if cached:
        return cached
    response.body = packages.package_json(_package(request, dataset, version))
    return _public(response)


# Files are written once per version into the export directory and served from there
# (engage/opendata/exports.py): a slow client never holds a database connection.

_EXPORTS_LOCK = threading.Lock()


def _exports(request) -> ExportCache:
    registry = request.registry
    with _EXPORTS_LOCK:
        if getattr(registry, "opendata_exports", None) is None:
            registry.opendata_exports = ExportCache.from_settings(registry.settings, request.engage.db)
    return registry.opendata_exports


@exception_view_config(ExportsBusy)
def exports_busy(error, request):
    response = _json_response({"error": "Trop de fichiers sont en préparation en ce moment : réessayez dans"
                                        " quelques secondes."}, status=503)
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def _from_file(request, response: Response, family: str, key: str, suffix: str, write) -> Response:
    """The export's file (written first if need be), served with byte ranges."""
    exports = _exports(request)
    family = f"{instance_id(request.engage.db)[:12]}-{family}"
    for attempt in (1, 2):
        path = exports.get(family, key, suffix, write)
        try:
            handle = open(path, "rb")
        except FileNotFoundError:  # evicted between its writing and its opening: once more
            if attempt == 2:
                raise
            continue
        response.app_iter = FileIter(handle)
        response.content_length = os.fstat(handle.fileno()).st_size
        response.accept_ranges = "bytes"
        response.conditional_response = True
        return _public(response)
    raise AssertionError("unreachable")


@view_config(route_name="opendata_csv", request_method="GET")
def csv_file(request):
    package = _dataset(request)
    resource = REGISTRY.get(request.matchdict["resource"])
    if resource is None or resource not in REGISTRY.closure(package):
        raise NoSuchDataset("Ce fichier ne fait pas partie de ce jeu de données.")
    version = _version(request, resource)
    response = Response(content_type="text/csv", charset="utf-8")
    cached = _conditional(request, response, version, "csv")
    if cached:
        return cached
    written = {}

    def write(handle) -> str:
        with query.snapshot(request.engage.db) as cur:
            written["version"] = query.version(cur, resource)  # the rows' version, same snapshot
            packages.write_csv(handle, cur, resource)
        return written["version"].token

    response.content_disposition = f'attachment; filename="{resource.csv_name}"'
    response = _from_file(request, response, f"{resource.name}-csv", version.token, ".csv", write)
    if "version" in written:  # written just now, maybe a step ahead of `version`
        _conditional(request, response, written["version"], "csv")
    return response


@view_config(route_name="opendata_zip", request_method="GET")
def zip_file(request):
    dataset = _dataset(request)
    licence = _licence(request)["name"]
    with request.engage.db.reading() as cur:
        versions = [query.version(cur, m) for m in REGISTRY.closure(dataset)]
    response = Response(content_type="application/zip")

    def variant(found: list[query.Version]) -> tuple[str, ...]:
        return ("zip", licence, public_base(request), *(v.token for v in found))

    cached = _conditional(request, response, versions[0], *variant(versions))
    if cached:
        return cached
    written = {}

    def write(handle) -> str:
        with query.snapshot(request.engage.db) as cur:
            found = [query.version(cur, m) for m in REGISTRY.closure(dataset)]
            packages.write_zip(handle, cur, REGISTRY, dataset, _package(request, dataset, found[0]))
        written["versions"] = found
        return "|".join(variant(found))

    response.content_disposition = f'attachment; filename="{dataset.name}.zip"'
    response = _from_file(request, response, f"{dataset.name}-zip", "|".join(variant(versions)), ".zip", write)
    if "versions" in written:
        _conditional(request, response, written["versions"][0], *variant(written["versions"]))
    return response


# -- catalogue ----------------------------------------------------------------------------


def _catalogue_entries(request):
    entries = []
    with request.engage.db.reading() as cur:
        for dataset in REGISTRY:
            version = query.version(cur, dataset)
            entries.append((dataset, query.first_issued(cur, dataset), version.last_modified, version))
    return entries


@view_config(route_name="opendata_catalog", request_method="GET")
def catalog(request):
    entries = _catalogue_entries(request)
    document = dcat.catalog(
        [(dataset, issued, modified) for dataset, issued, modified, _ in entries],
        base_url=public_base(request), licence=_licence(request), translators=translators(request),
    )
    return _json_response(document, content_type="application/ld+json")


# -- change feed ------------------------------------------------------------------------------


def _integer(request, name: str, default: int, lowest: int, highest: int) -> int:
    return query.integer_parameter(request.GET, name, default, lowest, highest)


@view_config(route_name="opendata_changes", request_method="GET")
def changes(request):
    since = _integer(request, "since", 0, 0, 2**62)
    limit = _integer(request, "limit", openapi.MAX_LIMIT, 1, openapi.MAX_CHANGES)
    dataset = request.GET.get("dataset")
    if dataset is not None and dataset not in REGISTRY:
        raise BadParameter("Le paramètre « dataset » ne désigne aucun jeu de données publié.")
    return _json_response(read_changes(request.engage.db, since, limit, dataset))


# -- JSON API ---------------------------------------------------------------------------------


def _date(request, name: str) -> datetime.date | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    try:
        if len(raw) != 10:
            raise ValueError
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(f"Le paramètre « {name} » doit être une date au format AAAA-MM-JJ.") from None


def selection_from(request, dataset) -> Selection:
    for name, filter_name in (("consultation", "consultation"), ("arrondissement", "arrondissement"),
                              ("date_from", "date"), ("date_to", "date")):
        if name in request.GET and filter_name not in dataset.filters:
            raise BadParameter(f"Ce jeu de données ne se filtre pas par « {name} ».")
    consultation = request.GET.get("consultation")
    if consultation is not None and not (0 < len(consultation) <= 100 and consultation.isprintable()):
        raise BadParameter("Le paramètre « consultation » doit être un identifiant de consultation.")
    arrondissement = None
    if "arrondissement" in request.GET:
        arrondissement = _integer(request, "arrondissement", 0, 1, 20)
    selected = Selection(consultation, arrondissement, _date(request, "date_from"), _date(request, "date_to"))
    if selected.date_from and selected.date_to and selected.date_to < selected.date_from:
        raise BadParameter("« date_to » doit être postérieure ou égale à « date_from ».")
    return selected


@view_config(route_name="api_dataset", request_method="GET")
def api_dataset(request):
    dataset = _dataset(request)
    selection = selection_from(request, dataset)
    limit = _integer(request, "limit", openapi.DEFAULT_LIMIT, 1, openapi.MAX_LIMIT)
    cursor = request.GET.get("cursor")
    after = query.decode_cursor(dataset, cursor) if cursor is not None else None
    response = Response(content_type="application/json", charset="utf-8")
    with query.snapshot(request.engage.db) as cur:
        version = query.version(cur, dataset)
        cached = _conditional(request, response, version, "api", request.query_string)
        if cached:
            return cached
        rows = query.page(cur, dataset, selection=selection, after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = None
    if more:
        parameters = {k: v for k, v in request.GET.items() if k != "cursor"}
        parameters["cursor"] = query.encode_cursor(query.key_of(dataset, rows[-1]))
        next_url = public_url(request, "api_dataset", dataset=dataset.name, _query=parameters)
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    response.body = json.dumps(
        {"dataset": dataset.name, "data": [query.as_json(dataset, row) for row in rows], "next": next_url},
        ensure_ascii=False, separators=(",", ":"),
    ).encode("utf-8")
    return _public(response)


@view_config(route_name="api_openapi", request_method="GET")
def api_openapi(request):
    return _json_response(openapi.document(REGISTRY, base_url=public_base(request), licence=_licence(request)))


@view_config(route_name="api_dataset", request_method="OPTIONS")
@view_config(route_name="api_openapi", request_method="OPTIONS")
@view_config(route_name="opendata_changes", request_method="OPTIONS")
def preflight(request):
    response = Response(status=204)
    response.headers.update({
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
        "Access-Control-Max-Age": "86400",
    })
    return _public(response)


# -- the page ---------------------------------------------------------------------------------


@view_config(route_name="opendata_page", renderer="engage:templates/opendata.pt", request_method="GET")
def page(request):
    translate = request.localizer.translate
    entries = []
    for dataset, _issued, modified, _version_ in _catalogue_entries(request):
        entries.append({
            "name": dataset.name,
            "title": translate(dataset.title),
            "description": packages.described(dataset, translate),
            "fields": [(field.name, translate(field.description)) for field in dataset.fields],
            "modified": when(modified, request.locale_name, time=True) if modified else None,
        })
    return {"entries": entries, "licence": _licence(request), "site": public_base(request)}
