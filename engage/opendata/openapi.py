"""The OpenAPI 3.1 document of the read-only API, generated from the registry."""

from __future__ import annotations

from typing import Any

from engage.domain.common import ARRONDISSEMENTS
from engage.opendata.packages import described, json_schema
from engage.opendata.registry import Registry

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_CHANGES = 10000


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _component(dataset_name: str) -> str:
    return "".join(part.capitalize() for part in dataset_name.split("-"))


ERROR = {"description": "Paramètre invalide (message en français).",
         "content": {"application/json": {"schema": _ref("Error")}}}
NOT_MODIFIED = {"description": "Inchangé depuis la version indiquée par If-None-Match ou If-Modified-Since."}


def _query(name: str, schema: dict, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _parameters(dataset) -> list[dict[str, Any]]:
    parameters = [
        _query("cursor", {"type": "string"}, "Curseur opaque : la page qui suit (lien « next »)."),
        _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
               "Nombre de lignes par page."),
    ]
    if "consultation" in dataset.filters:
        parameters.append(_query("consultation", {"type": "string", "minLength": 1, "maxLength": 100},
                                 "Identifiant de la consultation."))
    if "arrondissement" in dataset.filters:
        parameters.append(_query("arrondissement", {"type": "integer", "minimum": ARRONDISSEMENTS[0],
                                                    "maximum": ARRONDISSEMENTS[-1]},
                                 "Arrondissement, de 1 à 20."))
    if "date" in dataset.filters:
        for name, description in (("date_from", "À partir de ce jour (inclus)."),
                                  ("date_to", "Jusqu'à ce jour (inclus).")):
            parameters.append(_query(name, {"type": "string", "format": "date"}, description))
    return parameters


def _rows(properties: dict) -> dict:
    return {"type": "array", "items": {"type": "object", "required": list(properties), "properties": properties}}


def _stats(properties: dict) -> dict:
    return {"type": "object", "required": ["position", *properties],
            "properties": {"position": {"type": "integer", "minimum": 0}, **properties}}


def document(registry: Registry, *, base_url: str, licence: dict, translate=str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
        "Change": {
            "type": "object",
            "required": ["position", "dataset", "key", "operation", "occurred_at"],
            "additionalProperties": False,
            "properties": {
                "position": {"type": "integer", "minimum": 1},
                "dataset": {"type": "string"},
                "key": {"type": "string"},
                "operation": {"type": "string", "enum": ["upsert", "delete", "recount"]},
                "occurred_at": {"type": "string", "format": "date-time"},
            },
        },
        "Changes": {
            "type": "object",
            "required": ["since", "next", "position", "changes"],
            "additionalProperties": False,
            "properties": {
                "since": {"type": "integer", "minimum": 0},
                "next": {"type": "integer", "minimum": 0},
                "position": {"type": "integer", "minimum": 0},
                "changes": {"type": "array", "items": _ref("Change")},
            },
        },
        "CardHolderStats": {
            "type": "object",
            "required": ["position", "arrondissements", "total"],
            "properties": {
                "position": {"type": "integer", "minimum": 0},
                "total": {"type": ["integer", "null"], "minimum": 0},
                "arrondissements": {"type": "array", "items": {
                    "type": "object", "required": ["arrondissement", "holders"],
                    "properties": {"arrondissement": {"type": "integer", "minimum": 1, "maximum": 20},
                                   "holders": {"type": ["integer", "null"]}}}},
            },
        },
    }
    for dataset in registry:
        record = _component(dataset.name)
        properties = {}
        for field in dataset.fields:
            nullable = not (field.required or field.name in dataset.primary_key)
            schema = json_schema(field.type, nullable)
            schema["description"] = translate(field.description)
            if field.enum:
                schema["enum"] = list(field.enum) + ([None] if nullable else [])
            properties[field.name] = schema
        schemas[record] = {
            "type": "object",
            "description": described(dataset, translate),
            "required": [f.name for f in dataset.fields],
            "additionalProperties": False,
            "properties": properties,
        }
        schemas[record + "Page"] = {
            "type": "object",
            "required": ["dataset", "data", "next"],
            "additionalProperties": False,
            "properties": {
                "dataset": {"type": "string", "const": dataset.name},
                "data": {"type": "array", "items": _ref(record)},
                "next": {"type": ["string", "null"], "description": "Lien vers la page suivante, ou null."},
            },
        }
        paths[f"/api/{dataset.name}"] = {"get": {
            "operationId": "list_" + dataset.name.replace("-", "_"),
            "summary": translate(dataset.title),
            "description": translate(dataset.description),
            "tags": ["datasets"],
            "parameters": _parameters(dataset),
            "responses": {
                "200": {"description": "Une page de lignes, dans l'ordre de la clé primaire.",
                        "headers": {"ETag": {"schema": {"type": "string"}}},
                        "content": {"application/json": {"schema": _ref(record + "Page")}}},
                "304": NOT_MODIFIED,
                "400": ERROR,
            },
        }}
    paths["/opendata/changes"] = {"get": {
        "operationId": "changes",
        "summary": "Flux des changements",
        "description": "Ce qui a changé depuis une position du journal : jeu de données, clé, opération"
                       " (upsert : ligne nouvelle ou modifiée ; delete : ligne retirée ; recount : les petits"
                       " effectifs sont masqués ensemble, d'autres lignes ont pu changer : relisez les lignes"
                       " dont la clé commence par la clé indiquée, ou tout le jeu pour « * »).",
        "tags": ["changes"],
        "parameters": [
            _query("since", {"type": "integer", "minimum": 0, "default": 0}, "Position du journal déjà lue."),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_CHANGES, "default": MAX_LIMIT},
                   "Nombre maximal de changements."),
            _query("dataset", {"type": "string", "enum": [d.name for d in registry]},
                   "Seulement les changements de ce jeu de données."),
        ],
        "responses": {"200": {"description": "Les changements, par position croissante.",
                              "content": {"application/json": {"schema": _ref("Changes")}}},
                      "400": ERROR},
    }}
    paths["/api/stats/card-holders"] = {"get": {
        "operationId": "card_holder_stats",
        "summary": "Détenteurs de la carte par arrondissement",
        "tags": ["stats"],
        "responses": {"200": {"description": "Les effectifs publiés sur le site.",
                              "content": {"application/json": {"schema": _ref("CardHolderStats")}}}},
    }}
    # The other figures the site publishes for engage-audit (each with its log position).
    count = {"type": ["integer", "null"], "minimum": 0}
    for path, operation, summary, schema in (
        ("/api/stats/workshop-attendance", "workshop_attendance_stats",
         "Présences aux ateliers par session, par lieu et en tout",
         _stats({"sessions": _rows({"session_id": {"type": "string"}, "place": {"type": "string"},
                                    "present": count}),
                 "places": _rows({"place": {"type": "string"}, "present": count}),
                 "total_present": count, "sessions_held": {"type": "integer", "minimum": 0},
                 "profile": {"type": "object", "properties": {
                     metric: _rows({"key": {"type": "string"}, "present": count})
                     for metric in ("arrondissement", "age_band")}},
                 "next": {"type": ["string", "null"], "format": "uri"}})),
        ("/api/stats/votes-per-item", "votes_per_item_stats", "Votes par contribution, canal et option",
         _stats({"counts": _rows({"item_id": {"type": "string"}, "channel": {"type": "string"},
                                  "option": {"type": "string"}, "value": count}),
                 "next": {"type": ["string", "null"], "format": "uri"}})),
        ("/api/stats/contributions-per-consultation", "contributions_per_consultation_stats",
         "Contributions par consultation et canal",
         _stats({"counts": _rows({"consultation_id": {"type": "string"}, "channel": {"type": "string"},
                                  "contributions": {"type": "integer", "minimum": 0}})})),
    ):
        paths[path] = {"get": {
            "operationId": operation, "summary": summary, "tags": ["stats"],
            "responses": {"200": {"description": "Les chiffres publiés sur le site, à une position du journal.",
                                  "content": {"application/json": {"schema": schema}}}},
        }}
    # Paged by item (every count of an item on one page) and by session held (the first page also
    # carries the places and the totals).
    _cursor_paged(paths["/api/stats/votes-per-item"]["get"], "contributions",
                  "Par pages de contributions entières (toutes les cases d'une contribution sur la même"
                  " page) ; suivez le lien « next » (null à la dernière page). Chaque page indique sa"
                  " position du journal.")
    _cursor_paged(paths["/api/stats/workshop-attendance"]["get"], "sessions",
                  "Par pages de sessions tenues ; suivez le lien « next » (null à la dernière page). La"
                  " première page donne aussi les lieux et les totaux. Chaque page indique sa position"
                  " du journal.")
    attendance = paths["/api/stats/workshop-attendance"]["get"]["responses"]["200"]["content"]
    attendance["application/json"]["schema"]["required"] = ["position", "sessions", "next"]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API des données ouvertes d'engage",
            "version": "1.0.0",
            "description": "Lecture seule. Pagination par curseur opaque, en-têtes ETag et"
                           " Last-Modified (réponses 304), CORS ouvert à toute origine.",
            "license": {"name": licence["name"], "url": licence["path"]},
        },
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _cursor_paged(operation: dict, what: str, description: str) -> None:
    """A statistics document read page by page: an opaque cursor, a limit, a 400 on bad ones."""
    operation.update({
        "description": description,
        "parameters": [
            _query("cursor", {"type": "string"}, "Curseur opaque : la page qui suit (lien « next »)."),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                   f"Nombre maximal de {what} par page."),
        ],
    })
    operation["responses"]["400"] = ERROR
