"""Inclusion statistics (public): who takes part, by socio-professional group, arrondissement
and age band, with small groups suppressed and no suppressed cell recomputable."""

from __future__ import annotations

from dataclasses import dataclass

from pyramid.view import view_config

from engage.domain.common import AGE_BANDS, ARRONDISSEMENTS
from engage.i18n import PCS_LABELS, _, arrondissement_label
from engage.opendata.aggregates import broken_down
from engage.projections.inclusion.projection import NOT_GIVEN, TOTAL, UNKNOWN, inclusion_counts
from engage.statistics import percent, share

POPULATIONS = (
    ("card_holders", _("Détenteurs de la Carte Citoyen·ne"),
     _("Les personnes à qui une Carte Citoyen·ne a été délivrée.")),
    ("attendees", _("Participants aux Ateliers Citoyens"),
     _("Les personnes pointées présentes à au moins une séance d'atelier.")),
    ("contributors", _("Contributeurs aux consultations"),
     _("Les personnes qui ont publié au moins une contribution en ligne en leur nom.")),
)


def _dimensions(request):
    translate, locale = request.localizer.translate, request.locale_name
    unknown = translate(_("Inconnu (sans carte)"))
    return (
        ("category", _("Par catégorie socioprofessionnelle"), _("Catégorie socioprofessionnelle"),
         [(code, translate(label)) for code, label in PCS_LABELS.items()]
         + [(NOT_GIVEN, translate(_("Non renseignée")))]),
        ("arrondissement", _("Par arrondissement de résidence"), _("Arrondissement"),
         [(str(n), arrondissement_label(n, locale)) for n in ARRONDISSEMENTS] + [(UNKNOWN, unknown)]),
        ("age_band", _("Par tranche d'âge"), _("Tranche d'âge"),
         [(code, translate(_(label))) for code, label in AGE_BANDS.items()] + [(UNKNOWN, unknown)]),
    )


@dataclass(frozen=True)
class Row:
    label: str
    count: int | None
    share: str | None


@dataclass(frozen=True)
class Table:
    key: str
    heading: str
    column: str
    rows: list[Row]


@dataclass(frozen=True)
class Population:
    key: str
    title: str
    definition: str
    total: int | None
    tables: list[Table]


def inclusion_tables(request) -> list[Population]:
    counts = inclusion_counts(request.engage.db)
    locale = request.locale_name
    populations = []
    for population, title, definition in POPULATIONS:
        total = counts.get((population, TOTAL, ""), 0)
        dimensions = _dimensions(request)
        cells = {dimension: {code: counts.get((population, dimension, code), 0) for code, _label in labels}
                 for dimension, _heading, _column, labels in dimensions}
        # One table: the total and its three breakdowns, suppressed together.
        shown, shown_total = broken_down(total, cells)
        tables = []
        for dimension, heading, column, labels in dimensions:
            rows = [Row(label, shown[dimension][code], percent(share(shown[dimension][code], shown_total), locale))
                    for code, label in labels
                    if not (code == UNKNOWN and cells[dimension][code] == 0)]  # "no card" only where it occurs
            tables.append(Table(f"{population}-{dimension}", heading, column, rows))
        populations.append(Population(population, title, definition, shown_total, tables))
    return populations


@view_config(route_name="inclusion_statistics", renderer="engage:templates/inclusion_statistics.pt")
def inclusion_statistics(request):
    return {"populations": inclusion_tables(request)}
