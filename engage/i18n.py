"""French first, English available: every user-facing string is a msgid in French."""

from pyramid.i18n import TranslationStringFactory

from engage.domain.accounts.model import Role
from engage.domain.cards.model import PCS_2020_GROUPS
from engage.domain.common import arrondissement_label as french_arrondissement_label
from engage.domain.restitution.model import ANSWER_STATUSES

_ = TranslationStringFactory("engage")

LANGUAGES = {"fr": "Français", "en": "English"}
LANGUAGE_COOKIE = "engage_lang"

# The City's answer statuses ("suite donnée"), written out so the catalogue extracts them;
# the restitution pages, the contribution lists and the notifications all show these.
ANSWER_STATUS_LABELS = {"retenue": _("Retenue"), "partiellement-retenue": _("Partiellement retenue"),
                        "non-retenue": _("Non retenue"), "hors-champ": _("Hors champ")}
assert set(ANSWER_STATUS_LABELS) == set(ANSWER_STATUSES)


# Labels several capabilities' pages show (the roles, the inclusion statistics' socio-professional
# groups, the charter's amendment ballots): written out here so the catalogue extracts them once.
ROLE_TITLES = {
    Role.ADMIN: _("Administration"),
    Role.FACILITATOR: _("Animation (ateliers et réunions publiques)"),
    Role.MODERATOR: _("Modération"),
    Role.EDITOR: _("Édition (restitution, charte, guide)"),
    Role.AUDITOR: _("Audit"),
}

PCS_LABELS = {
    "1": _("Agriculteurs exploitants"),
    "2": _("Artisans, commerçants et chefs d'entreprise"),
    "3": _("Cadres et professions intellectuelles supérieures"),
    "4": _("Professions intermédiaires"),
    "5": _("Employés"),
    "6": _("Ouvriers"),
    "7": _("Retraités"),
    "8": _("Autres personnes sans activité professionnelle (élèves, étudiants, personnes au foyer…)"),
}
assert tuple(PCS_LABELS) == PCS_2020_GROUPS

CHOICE_LABELS = {"agree": _("D'accord"), "mixed": _("Mitigé"), "disagree": _("Pas d'accord")}


def arrondissement_label(number: int, locale: str) -> str:
    """How the arrondissement is written: "11e" in French, "11th" in English."""
    if locale == "en":
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return f"{number}{suffix}"
    return french_arrondissement_label(number)


def negotiate_locale(request) -> str:
    """The resident's explicit choice (a cookie set by the language switch), else French."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.registry.settings.get("pyramid.default_locale_name", "fr")


def includeme(config) -> None:
    config.set_locale_negotiator(negotiate_locale)
    # colander and deform ship French catalogues for their own messages.
    config.add_translation_dirs("colander:locale/", "deform:locale/", "engage:locale/")
