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
