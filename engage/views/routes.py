"""Every URL of engage, in one place. Public paths are French and stable: people bookmark them."""


def includeme(config) -> None:
    config.add_static_view("static", "engage:static", cache_max_age=3600)
    config.add_route("home", "/")
    config.add_route("card_request", "/carte")
    config.add_route("card_mine", "/carte/ma-carte")
    config.add_route("accessibility", "/accessibilite")
    config.add_route("legal_notice", "/mentions-legales")
    config.add_route("personal_data", "/donnees-personnelles")
    config.add_route("language", "/langue/{code}")
    config.add_route("transparence", "/transparence")
    config.add_route("transparency_checkpoint", "/transparency/checkpoint")
    config.add_route("transparency_key", "/transparency/key")
    config.add_route("transparency_checkpoints", "/transparency/checkpoints")
    config.add_route("transparency_entries", "/transparency/entries")
    config.add_route("transparency_inclusion", "/transparency/proof/inclusion")
    config.add_route("transparency_consistency", "/transparency/proof/consistency")
    config.add_route("api_card_holders", "/api/stats/card-holders")
    config.add_route("account", "/compte")
    config.add_route("signup", "/compte/inscription")
    config.add_route("signup_sent", "/compte/inscription/envoyee")
    config.add_route("confirm_email", "/compte/confirmer/{token}")
    config.add_route("login", "/compte/connexion")
    config.add_route("logout", "/compte/deconnexion")
    config.add_route("reset_request", "/compte/mot-de-passe-oublie")
    config.add_route("reset_sent", "/compte/mot-de-passe-oublie/envoye")
    config.add_route("reset_password", "/compte/mot-de-passe/{token}")
    # Open data (engage/views/opendata.py): the page, the catalogue, the change feed, the
    # packages, then the JSON API.
    config.add_route("opendata_page", "/opendata")
    config.add_route("opendata_catalog", "/opendata/catalog.jsonld")
    config.add_route("opendata_changes", "/opendata/changes")
    # Only the registered datasets' names match, so no other /api/ route is ever shadowed.
    from ..opendata import REGISTRY

    names = "|".join(dataset.name for dataset in REGISTRY) or "-"
    config.add_route("opendata_zip", "/opendata/{dataset:(%s)}.zip" % names)
    config.add_route("opendata_datapackage", "/opendata/{dataset:(%s)}/datapackage.json" % names)
    config.add_route("opendata_csv", "/opendata/{dataset:(%s)}/{resource:(%s)}.csv" % (names, names))
    config.add_route("api_openapi", "/api/openapi.json")
    config.add_route("api_dataset", "/api/{dataset:(%s)}" % names)
