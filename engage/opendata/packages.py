"""Frictionless data packages: the datapackage.json, the CSV stream and the zip stream.

Streams are generators of bytes (WSGI app_iter): the CSV is written a page of rows at a
time and the zip is written through an unseekable sink (zip entries with data
descriptors), so neither ever holds the dataset in memory.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from typing import Any, BinaryIO, Iterator, Mapping

from engage.db import Database
from engage.i18n import _
from engage.opendata import query
from engage.opendata.registry import FIELD_TYPES, Dataset, Registry

#: Licences engage knows how to describe; `engage.opendata.licence` picks one.
LICENCES = {
    "ODbL-1.0": ("Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "etalab-2.0": ("Licence Ouverte / Open Licence 2.0", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "PDDL-1.0": ("Open Data Commons Public Domain Dedication and License 1.0", "https://opendatacommons.org/licenses/pddl/1-0/"),
}
DEFAULT_LICENCE = "ODbL-1.0"
ROWS_PER_CHUNK = 500


def licence_from(settings: Mapping[str, Any]) -> dict[str, str]:
    name = str(settings.get("engage.opendata.licence") or DEFAULT_LICENCE).strip()
    if name not in LICENCES:
        raise ValueError(f"engage.opendata.licence: unknown licence {name!r}; known: {', '.join(LICENCES)}")
    title, path = LICENCES[name]
    return {"name": name, "title": title, "path": path}


def table_schema(dataset: Dataset, translate=str) -> dict[str, Any]:
    fields = []
    for field in dataset.fields:
        described: dict[str, Any] = {
            "name": field.name,
            "type": field.type,
            "description": translate(field.description),
        }
        constraints: dict[str, Any] = {}
        if field.required or field.name in dataset.primary_key:
            constraints["required"] = True
        if field.enum:
            constraints["enum"] = list(field.enum)
        if field.minimum is not None:
            constraints["minimum"] = field.minimum
        if field.maximum is not None:
            constraints["maximum"] = field.maximum
        if constraints:
            described["constraints"] = constraints
        fields.append(described)
    schema: dict[str, Any] = {
        "fields": fields,
        "primaryKey": list(dataset.primary_key),
        "missingValues": [""],
    }
    if dataset.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields), "reference": {"resource": fk.dataset, "fields": list(fk.reference)}}
            for fk in dataset.foreign_keys
        ]
    return schema


def datapackage(
    registry: Registry,
    dataset: Dataset,
    *,
    licence: Mapping[str, str],
    base_url: str,
    created: datetime.datetime | None,
    translate=str,
) -> dict[str, Any]:
    """The package of one dataset, with the datasets its foreign keys reference."""
    resources = []
    for member in registry.closure(dataset):
        resources.append({
            "name": member.name,
            "path": member.csv_name,
            "profile": "tabular-data-resource",
            "title": translate(member.title),
            "description": described(member, translate),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True},
            "schema": table_schema(member, translate),
        })
    moment = created or datetime.datetime.now(datetime.timezone.utc)
    return {
        "profile": "tabular-data-package",
        "name": dataset.name,
        "id": f"{base_url}/opendata/{dataset.name}/datapackage.json",
        "title": translate(dataset.title),
        "description": described(dataset, translate),
        "homepage": f"{base_url}/opendata#{dataset.name}",
        "created": query.utc_z(moment),
        "keywords": list(dataset.keywords),
        "licenses": [dict(licence)],
        "sources": [
            {"title": translate(source["title"]), "path": _absolute(base_url, source["path"])}
            for source in dataset.sources
        ],
        "resources": resources,
    }


#: How the blanks of a table of counts are chosen, appended to those datasets' descriptions.
SUPPRESSION_NOTE = _(
    "Secret secondaire : pour qu'une case vide ne puisse pas être retrouvée par soustraction à"
    " partir des totaux publiés, d'autres cases, les plus petites possibles, sont masquées avec"
    " elle ; les cases vides d'un groupe additionnées font au moins 5 ; les pages du site"
    " masquent les mêmes cases (règle détaillée sur /opendata#secret)."
)


#: How free-text cells are written in the CSV files, appended to those datasets' descriptions.
FORMULA_NOTE = _(
    "Fichiers CSV : une cellule de texte qui commence par =, +, -, @, une tabulation ou un"
    " retour chariot est précédée d'une apostrophe ('), pour qu'un tableur ne l'exécute pas"
    " comme une formule ; retirez cette apostrophe pour retrouver le texte saisi. L'API JSON"
    " publie le texte tel quel (le JSON n'est pas ouvert par un tableur)."
)


def described(dataset: Dataset, translate=str) -> str:
    """The dataset's description; for a table of counts, how its blanks are chosen; for a
    dataset of text, how its CSV cells are kept from being read as formulas."""
    text = translate(dataset.description)
    if dataset.suppression:
        text = f"{text} {translate(SUPPRESSION_NOTE)}"
    if dataset.free_text:
        text = f"{text} {translate(FORMULA_NOTE)}"
    return text


def _absolute(base_url: str, path: str) -> str:
    return path if "://" in path else f"{base_url}{path}"


def package_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


# -- streams ---------------------------------------------------------------------------


def csv_text(cur, dataset: Dataset, *, page_size: int = query.PAGE_SIZE) -> Iterator[str]:
    """The CSV text of a dataset read through `cur`, header first, a few hundred rows per chunk.
    Every open-data CSV is written here: free-text cells are neutralized (query.csv_value)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f.name for f in dataset.fields])
    for count, row in enumerate(query.iter_rows(cur, dataset, page_size=page_size), 1):
        writer.writerow(query.as_csv(dataset, row))
        if count % ROWS_PER_CHUNK == 0:
            yield _take(buffer)
    yield _take(buffer)


def csv_chunks(db: Database, dataset: Dataset, *, page_size: int = query.PAGE_SIZE) -> Iterator[str]:
    """The CSV text of a dataset, from its own snapshot."""
    with query.snapshot(db) as cur:
        yield from csv_text(cur, dataset, page_size=page_size)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_stream(db: Database, dataset: Dataset, **kwargs) -> Iterator[bytes]:
    for chunk in csv_chunks(db, dataset, **kwargs):
        if chunk:
            yield chunk.encode("utf-8")


def write_csv(handle: BinaryIO, cur, dataset: Dataset, **kwargs) -> None:
    """The dataset's CSV into a file, a chunk at a time."""
    for chunk in csv_text(cur, dataset, **kwargs):
        if chunk:
            handle.write(chunk.encode("utf-8"))


def write_zip(handle: BinaryIO, cur, registry: Registry, dataset: Dataset, package: dict[str, Any],
              **kwargs) -> None:
    """datapackage.json and every CSV of the package, zipped into a file as they are read."""
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", package_json(package))
        for member in registry.closure(dataset):
            with archive.open(member.csv_name, "w", force_zip64=True) as entry:
                for chunk in csv_text(cur, member, **kwargs):
                    entry.write(chunk.encode("utf-8"))


def json_schema(field_type: str, nullable: bool) -> dict[str, Any]:
    schema = dict(FIELD_TYPES[field_type])
    if nullable:
        schema["type"] = [schema["type"], "null"]
    return schema
