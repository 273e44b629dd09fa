"""Organizations (associations, collectives...) and the offers they publish."""

from __future__ import annotations

from engage.domain.organizations.model import Offer, Organization
from engage.i18n import _
from engage.opendata.registry import Dataset, Field, ForeignKey, register
from engage.opendata.registry import own_record as own

register(Dataset(
    name="organizations",
    title=_("Organisations partenaires"),
    description=_(
        "Les associations, collectifs et autres organisations inscrits sur la plateforme : nom,"
        " nature, présentation, site web et arrondissement. Leurs représentants ne sont pas indiqués."
    ),
    fields=(
        Field("organization_id", "string", _("Identifiant de l'organisation."), required=True),
        Field("name", "string", _("Nom de l'organisation."), required=True),
        Field("kind", "string", _("Nature de l'organisation."), required=True),
        Field("description", "string", _("Présentation.")),
        Field("website", "string", _("Site web.")),
        Field("arrondissement", "integer", _("Arrondissement ; vide pour une organisation de tout Paris."),
              minimum=1, maximum=20),
        Field("registered_at", "datetime", _("Date d'inscription (temps universel)."), required=True),
    ),
    primary_key=("organization_id",),
    table="rm_organizations",
    projection="organizations",
    filters={"arrondissement": "arrondissement", "date": "registered_at"},
    indexes=(("rm_organizations", ("arrondissement", "organization_id")),),
    keywords=("association", "organisation"),
    changes={Organization.OrganizationRegistered: own},
))

register(Dataset(
    name="offers",
    title=_("Offres des organisations"),
    description=_(
        "Les offres publiées par les organisations pour les détenteurs de la Carte Citoyen·ne :"
        " titre, nature, période, lien, conditions, et si l'offre a été retirée."
    ),
    fields=(
        Field("offer_id", "string", _("Identifiant de l'offre."), required=True),
        Field("organization_id", "string", _("L'organisation qui la propose."), required=True),
        Field("title", "string", _("Titre."), required=True),
        Field("description", "string", _("Présentation.")),
        Field("kind", "string", _("Nature de l'offre."), required=True),
        Field("arrondissement", "integer", _("Arrondissement ; vide pour tout Paris."), minimum=1, maximum=20),
        Field("starts_on", "date", _("Premier jour."), required=True, column="NULLIF(starts_on, '')"),
        Field("ends_on", "date", _("Dernier jour ; vide pour une offre sans fin annoncée."), column="NULLIF(ends_on, '')"),
        Field("link", "string", _("Lien vers l'offre.")),
        Field("card_conditions", "string", _("Conditions pour les détenteurs de la carte.")),
        Field("withdrawn", "boolean", _("Offre retirée."), required=True),
    ),
    primary_key=("offer_id",),
    table="rm_offers",
    projection="organizations",
    filters={"arrondissement": "arrondissement", "date": "starts_on"},
    foreign_keys=(ForeignKey(("organization_id",), "organizations", ("organization_id",)),),
    indexes=(("rm_offers", ("arrondissement", "offer_id")),),
    keywords=("offre", "carte citoyenne", "association"),
    changes={Offer.OfferPublished: own, Offer.OfferWithdrawn: own},
))
