"""The DCAT-AP catalogue, in JSON-LD: every dataset and each of its distributions."""

from __future__ import annotations

import datetime
from typing import Any, Callable, Mapping

from engage.i18n import _
from engage.opendata import query
from engage.opendata.packages import described as description_of

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
IANA = "http://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"

CATALOG_TITLE = _("Données ouvertes de la participation citoyenne à Paris")
CATALOG_DESCRIPTION = _(
    "Les jeux de données publics de la plateforme de participation de la Ville de Paris,"
    " tirés du journal des événements : aucun nom, aucune adresse électronique, aucun vote"
    " individuel."
)
PUBLISHER = "Ville de Paris"


def _texts(msgid: str, translators: Mapping[str, Callable[[str], str]]) -> list[dict[str, str]]:
    return [{"@language": code, "@value": translate(msgid)} for code, translate in translators.items()]


def _date(moment: datetime.datetime | None) -> dict[str, str] | None:
    if moment is None:
        return None
    return {"@value": query.utc_z(moment), "@type": "xsd:dateTime"}


def _distribution(uri: str, title: str, access: str, download: str | None, media: str, file_type: str,
                  licence: dict, issued, modified) -> dict[str, Any]:
    distribution: dict[str, Any] = {
        "@id": uri,
        "@type": "dcat:Distribution",
        "dct:title": title,
        "dcat:accessURL": {"@id": access},
        "dcat:mediaType": {"@id": IANA + media},
        "dct:format": {"@id": EU_FILE_TYPE + file_type},
        "dct:license": {"@id": licence["path"]},
    }
    if download:
        distribution["dcat:downloadURL"] = {"@id": download}
    for key, value in (("dct:issued", issued), ("dct:modified", modified)):
        if value:
            distribution[key] = value
    return distribution


def catalog(entries, *, base_url: str, licence: dict, translators: Mapping[str, Callable[[str], str]]) -> dict:
    """entries: (dataset, issued, modified) for each published dataset."""
    publisher = {"@id": base_url + "/", "@type": "foaf:Agent", "foaf:name": PUBLISHER}
    datasets = []
    latest = None
    for dataset, issued_at, modified_at in entries:
        issued, modified = _date(issued_at or modified_at), _date(modified_at)
        if modified_at and (latest is None or modified_at > latest):
            latest = modified_at
        home = f"{base_url}/opendata#{dataset.name}"
        folder = f"{base_url}/opendata/{dataset.name}"
        described: dict[str, Any] = {
            "@id": folder,
            "@type": "dcat:Dataset",
            "dct:identifier": dataset.name,
            "dct:title": _texts(dataset.title, translators),
            "dct:description": [{"@language": code, "@value": description_of(dataset, translate)}
                                for code, translate in translators.items()],
            "dcat:keyword": list(dataset.keywords),
            "dct:publisher": publisher,
            "dct:license": {"@id": licence["path"]},
            "dct:language": {"@id": EU_LANGUAGE + "FRA"},
            "dcat:landingPage": {"@id": home},
            "dcat:distribution": [
                _distribution(f"{folder}/{dataset.csv_name}", "CSV", home, f"{folder}/{dataset.csv_name}",
                              "text/csv", "CSV", licence, issued, modified),
                _distribution(f"{folder}/datapackage.json", "Frictionless Data Package", home,
                              f"{folder}/datapackage.json", "application/json", "JSON", licence, issued, modified),
                _distribution(f"{base_url}/opendata/{dataset.name}.zip", "ZIP (CSV + datapackage.json)", home,
                              f"{base_url}/opendata/{dataset.name}.zip", "application/zip", "ZIP", licence,
                              issued, modified),
                _distribution(f"{base_url}/api/{dataset.name}", "API JSON", f"{base_url}/api/{dataset.name}",
                              None, "application/json", "JSON", licence, issued, modified),
            ],
        }
        for key, value in (("dct:issued", issued), ("dct:modified", modified)):
            if value:
                described[key] = value
        datasets.append(described)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": f"{base_url}/opendata/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _texts(CATALOG_TITLE, translators),
        "dct:description": _texts(CATALOG_DESCRIPTION, translators),
        "dct:publisher": publisher,
        "dct:language": {"@id": EU_LANGUAGE + "FRA"},
        "dct:license": {"@id": licence["path"]},
        "foaf:homepage": {"@id": f"{base_url}/opendata"},
        "dcat:dataset": datasets,
    }
    if latest:
        document["dct:modified"] = _date(latest)
    return document
