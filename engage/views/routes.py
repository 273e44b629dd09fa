"""Every URL of engage, in one place. Public paths are French and stable: people bookmark them."""

from engage.opendata import REGISTRY

# Route factories (engage/views/<capability>/resources.py): the context a route's views receive.
CONSULTATION = "engage.views.consultations.resources:ConsultationResource"  # consultation, contribution, meeting
QUESTIONNAIRE = "engage.views.questionnaires.resources:QuestionnaireResource"
ORGANIZATION = "engage.views.organizations.resources:OrganizationResource"
OFFER = "engage.views.organizations.resources:OfferResource"
SEAT_CALL = "engage.views.seats.resources:SeatCallResource"
CARD = "engage.views.cards.resources:CardResource"
SESSION = "engage.views.workshops.resources:SessionResource"
WORKSHOP = "engage.views.workshops.resources:WorkshopResource"

#: What the page of a route reads: the projections (engage/projections/__init__.py) whose
#: tables it queries. A write answered by a redirect to that page waits for these read models
#: only (read-your-writes, engage/views/toolkit.py wait_for_write); a route not named here
#: waits for every projection. Reading one more table on a page means declaring its projection
#: here: tests/views/test_route_reads.py checks both what a page reads and every name below, and
#: fails for a page a write lands on that is neither declared nor excused there (WAITS_FOR_ALL).
READS: dict[str, tuple[str, ...]] = {
    # Every page: the signed-in person ("people"); a card, to say what it opens ("cards", "card_lifecycle").
    "contribution": ("consultations", "people", "organizations", "cards", "card_lifecycle",
                     "charter", "charter_provenance", "restitution"),  # and its page extensions
    "consultation": ("consultations", "people", "organizations", "cards", "card_lifecycle",
                     "restitution"),  # its extension: the City's answers beside the contributions
    "workshop_session": ("workshops", "people", "cards", "card_lifecycle"),
    "session_roll": ("workshops", "people", "cards"),  # the facilitator's roll and walk-ins
    "session_new": ("workshops", "people"),  # the facilitators to choose from
    "workshops_mine": ("workshops", "people"),
    "card_mine": ("cards", "card_lifecycle", "people"),
    "staff_card": ("cards", "card_lifecycle", "people"),  # its history and its holder's display name
    "restitution_version": ("restitution", "consultations", "people"),
    # Pages answering their own form (no redirect): the import's report, the staff list.
    "pb_members_import": ("pb_members", "people"),
    "admin_roles": ("staff", "people"),
    # Its public: a valid card, a participatory-budget member, an organization's representative.
    "questionnaire": ("questionnaires", "people", "cards", "card_lifecycle", "pb_members", "organizations"),
    "questionnaire_results": ("questionnaires", "people"),
    "meeting": ("consultations", "people"),
    "meeting_transcribe": ("consultations", "people"),
    "organization": ("organizations", "seat_calls", "people"),  # its calls for seats by lot
    "seat_call": ("seat_calls", "organizations", "people", "cards", "card_lifecycle"),  # may they volunteer
    # The charter's pages: its linked consultation (phase, dates) and the contributions cited.
    "charter_edit": ("charter", "charter_provenance", "consultations", "people"),
    "charter_article": ("charter", "charter_provenance", "consultations", "people"),
    "charter_amendment": ("charter", "charter_provenance", "consultations", "people"),
    "charter_adopted": ("charter", "charter_provenance", "consultations", "people"),
    "engagement": ("charter", "people"),  # the milestones are the charter projection's
    "engagement_step": ("charter", "people"),
    "guide_page": ("charter", "people"),
}


def includeme(config) -> None:
    config.add_static_view("static", "engage:static", cache_max_age=3600)
    config.add_route("home", "/")
    config.add_route("healthz", "/healthz")
    config.add_route("readyz", "/readyz")
    config.add_route("metrics", "/metrics")
    config.add_route("card_request", "/carte")
    config.add_route("card_mine", "/carte/ma-carte")
    config.add_route("accessibility", "/accessibilite")
    config.add_route("legal_notice", "/mentions-legales")
    config.add_route("personal_data", "/donnees-personnelles")
    config.add_route("language", "/langue/{code}")
    config.add_route("transparence", "/transparence")
    config.add_route("transparency_accredited", "/transparence/audit-accredite")
    config.add_route("transparency_checkpoint", "/transparency/checkpoint")
    config.add_route("transparency_key", "/transparency/key")
    config.add_route("transparency_checkpoints", "/transparency/checkpoints")
    config.add_route("transparency_entries", "/transparency/entries")
    config.add_route("transparency_inclusion", "/transparency/proof/inclusion")
    config.add_route("transparency_consistency", "/transparency/proof/consistency")
    config.add_route("transparency_tile", "/transparency/tile/{path:.+}")  # C2SP tlog-tiles
    config.add_route("transparency_cosignature", "/transparency/cosignature")  # witnesses POST here
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
    # Consultations
    config.add_route("consultations", "/consultations")
    config.add_route("consultation_new", "/consultations/nouvelle")
    config.add_route("consultations_feed", "/consultations/flux.atom")  # Atom: engage/views/consultations/feeds.py
    config.add_route("consultation", "/consultations/{ref}", factory=CONSULTATION)
    config.add_route("consultation_edit", "/consultations/{ref}/modifier", factory=CONSULTATION)
    config.add_route("consultation_phase", "/consultations/{ref}/phase", factory=CONSULTATION)
    config.add_route("consultation_feed", "/consultations/{ref}/flux.atom", factory=CONSULTATION)
    config.add_route("contribute", "/consultations/{ref}/contribuer", factory=CONSULTATION)
    config.add_route("contribution", "/consultations/{ref}/contributions/{item}", factory=CONSULTATION)
    config.add_route("contribution_vote", "/consultations/{ref}/contributions/{item}/voter", factory=CONSULTATION)
    config.add_route("contribution_edit", "/consultations/{ref}/contributions/{item}/modifier", factory=CONSULTATION)
    config.add_route("contribution_withdraw", "/consultations/{ref}/contributions/{item}/retirer", factory=CONSULTATION)
    config.add_route("contribution_report", "/consultations/{ref}/contributions/{item}/signaler", factory=CONSULTATION)
    config.add_route("contribution_hide", "/consultations/{ref}/contributions/{item}/masquer", factory=CONSULTATION)
    config.add_route("contribution_restore", "/consultations/{ref}/contributions/{item}/restaurer", factory=CONSULTATION)
    config.add_route("contribution_hands", "/consultations/{ref}/contributions/{item}/main-levee", factory=CONSULTATION)
    config.add_route("meeting_new", "/consultations/{ref}/reunions/nouvelle", factory=CONSULTATION)
    config.add_route("meeting", "/consultations/{ref}/reunions/{meeting}", factory=CONSULTATION)
    config.add_route("meeting_headcount", "/consultations/{ref}/reunions/{meeting}/participants", factory=CONSULTATION)
    config.add_route("meeting_transcribe", "/consultations/{ref}/reunions/{meeting}/transcrire", factory=CONSULTATION)
    config.add_route("meeting_sheets", "/consultations/{ref}/reunions/{meeting}/feuilles", factory=CONSULTATION)
    config.add_route("meeting_sheets_pdf", "/consultations/{ref}/reunions/{meeting}/feuilles/{first}.pdf",
                     factory=CONSULTATION)
    config.add_route("meeting_sign_in_pdf", "/consultations/{ref}/reunions/{meeting}/emargement.pdf",
                     factory=CONSULTATION)
    config.add_route("moderation", "/moderation")
    config.add_route("notifications", "/compte/notifications")
    config.add_route("api_votes_per_item", "/api/stats/votes-per-item")
    config.add_route("api_contributions_per_consultation", "/api/stats/contributions-per-consultation")
    # Targeted questionnaires
    config.add_route("questionnaires", "/questionnaires")
    config.add_route("questionnaire_new", "/questionnaires/nouveau")
    config.add_route("questionnaire", "/questionnaires/{qid}", factory=QUESTIONNAIRE)
    config.add_route("questionnaire_results", "/questionnaires/{qid}/resultats", factory=QUESTIONNAIRE)
    config.add_route("questionnaire_close", "/questionnaires/{qid}/fermer", factory=QUESTIONNAIRE)
    # Carte Citoyen·ne lifecycle, personal data, staff (residents-card)
    config.add_route("card_renew", "/carte/ma-carte/renouveler")
    config.add_route("card_replace", "/carte/ma-carte/remplacer")
    config.add_route("card_consent", "/carte/ma-carte/consentements")
    config.add_route("account_data", "/compte/mes-donnees")
    config.add_route("account_erase", "/compte/effacer")
    config.add_route("account_erased", "/compte/effacees")
    config.add_route("account_sessions", "/compte/sessions")
    config.add_route("my_acts", "/compte/mes-actes")
    config.add_route("my_acts_openings", "/compte/mes-actes/ouvertures.json")
    config.add_route("staff_cards", "/admin/cartes")
    config.add_route("staff_card", "/admin/cartes/{card_id}", factory=CARD)
    config.add_route("staff_card_decision", "/admin/cartes/{card_id}/{action}", factory=CARD)
    config.add_route("admin_roles", "/admin/roles")
    config.add_route("admin_erasure", "/admin/effacement")
    # Ateliers Citoyens (workshops)
    config.add_route("workshops", "/ateliers")
    config.add_route("workshops_mine", "/ateliers/mes-inscriptions")
    config.add_route("workshop_verify", "/ateliers/verifier")
    config.add_route("workshops_calendar", "/ateliers/calendrier.ics")  # every session to come (iCalendar)
    config.add_route("workshops_stats", "/ateliers/statistiques")
    config.add_route("workshops_staff", "/ateliers/animation")
    config.add_route("workshop_new", "/ateliers/animation/nouvel-atelier")
    config.add_route("session_new", "/ateliers/animation/atelier/{workshop_id}/nouvelle-seance", factory=WORKSHOP)
    config.add_route("session_reschedule", "/ateliers/animation/seance/{session_id}/deplacer", factory=SESSION)
    config.add_route("session_cancel", "/ateliers/animation/seance/{session_id}/annuler", factory=SESSION)
    config.add_route("session_roll", "/ateliers/animation/seance/{session_id}/presences", factory=SESSION)
    config.add_route("session_walk_in", "/ateliers/animation/seance/{session_id}/presences/sur-place", factory=SESSION)
    config.add_route("workshop_session", "/ateliers/seance/{session_id}", factory=SESSION)
    config.add_route("workshop_ics", "/ateliers/seance/{session_id}/agenda.ics", factory=SESSION)
    config.add_route("workshop_register", "/ateliers/seance/{session_id}/inscription", factory=SESSION)
    config.add_route("workshop_withdraw", "/ateliers/seance/{session_id}/desinscription", factory=SESSION)
    config.add_route("workshop_certificate", "/ateliers/seance/{session_id}/attestation", factory=SESSION)
    config.add_route("workshop_feedback", "/ateliers/seance/{session_id}/avis", factory=SESSION)
    config.add_route("api_workshop_attendance", "/api/stats/workshop-attendance")
    # residents-orgs: participatory-budget members, organizations and offers, seats by lot.
    config.add_route("pb_members_import", "/gestion/membres")
    config.add_route("organizations", "/organisations")
    config.add_route("organization_new", "/organisations/nouvelle")
    config.add_route("organization", "/organisations/{id}", factory=ORGANIZATION)
    config.add_route("organization_attach", "/organisations/{id}/representants", factory=ORGANIZATION)
    config.add_route("organization_detach", "/organisations/{id}/representants/detacher", factory=ORGANIZATION)
    config.add_route("offer_new", "/organisations/{id}/offres/nouvelle", factory=ORGANIZATION)
    config.add_route("seat_call_new", "/organisations/{id}/tirages/nouveau", factory=ORGANIZATION)
    config.add_route("offers", "/offres")
    config.add_route("offer_withdraw", "/offres/{id}/retirer", factory=OFFER)
    config.add_route("seat_call", "/tirages/{id}", factory=SEAT_CALL)
    config.add_route("seat_call_volunteer", "/tirages/{id}/volontaire", factory=SEAT_CALL)
    config.add_route("seat_call_commit", "/tirages/{id}/empreinte", factory=SEAT_CALL)
    config.add_route("seat_call_close", "/tirages/{id}/cloture", factory=SEAT_CALL)
    config.add_route("seat_call_reveal", "/tirages/{id}/revelation", factory=SEAT_CALL)
    config.add_route("seat_call_data", "/api/seat-calls/{id}", factory=SEAT_CALL)
    # Commitment milestones, the charter, the participation guide; their objects come from the
    # charter's route factories.
    charter = "engage.views.charter.resources:"
    config.add_route("engagement", "/engagement")
    config.add_route("engagement_step", "/engagement/etapes/{step}",
                     factory=charter + "MilestoneResource")
    config.add_route("charter", "/charte")
    config.add_route("charter_edit", "/charte/redaction")
    config.add_route("charter_adopt", "/charte/adoption")
    config.add_route("charter_adopted", "/charte/adoptee")
    config.add_route("charter_deliberation_csv", "/charte/adoptee/deliberation.csv")
    config.add_route("charter_versions_diff", "/charte/versions/comparer")
    config.add_route("charter_version", "/charte/versions/{version}",
                     factory=charter + "CharterVersionResource")
    config.add_route("charter_article", "/charte/articles/{article_id}",
                     factory=charter + "ArticleResource")
    config.add_route("charter_article_edit", "/charte/articles/{article_id}/modifier",
                     factory=charter + "ArticleResource")
    config.add_route("charter_amend", "/charte/articles/{article_id}/amender",
                     factory=charter + "ArticleResource")
    config.add_route("charter_article_diff", "/charte/articles/{article_id}/comparer",
                     factory=charter + "ArticleResource")
    config.add_route("charter_amendment", "/charte/amendements/{amendment_id}",
                     factory=charter + "AmendmentResource")
    config.add_route("charter_article_version", "/charte/articles/{article_id}/versions/{version}",
                     factory=charter + "ArticleVersionResource")
    config.add_route("guide", "/guide")
    config.add_route("guide_edit", "/guide/rediger")
    config.add_route("guide_page", "/guide/{slug}", factory=charter + "GuidePageResource")
    config.add_route("guide_page_version", "/guide/{slug}/versions/{version}",
                     factory=charter + "GuidePageResource")
    # Open data (engage/views/opendata/): the page, the catalogue, the change feed, the
    # packages, then the JSON API.
    config.add_route("opendata_page", "/opendata")
    config.add_route("opendata_catalog", "/opendata/catalog.jsonld")
    config.add_route("opendata_changes", "/opendata/changes")
    # Only the registered datasets' names match, so no other /api/ route is ever shadowed.
    names = "|".join(dataset.name for dataset in REGISTRY) or "-"
    config.add_route("opendata_zip", "/opendata/{dataset:(%s)}.zip" % names)
    config.add_route("opendata_datapackage", "/opendata/{dataset:(%s)}/datapackage.json" % names)
    config.add_route("opendata_csv", "/opendata/{dataset:(%s)}/{resource:(%s)}.csv" % (names, names))
    config.add_route("api_openapi", "/api/openapi.json")
    config.add_route("api_dataset", "/api/{dataset:(%s)}" % names)
    # Restitution of a consultation (engage/views/restitution/): the report, its published
    # versions (the .json before the page: both match a number), answers and quotes.
    config.add_route("restitution", "/consultations/{ref}/restitution", factory=CONSULTATION)
    config.add_route("restitution_publish", "/consultations/{ref}/restitution/publier", factory=CONSULTATION)
    config.add_route("restitution_version_json", "/consultations/{ref}/restitution/versions/{version:\\d+}.json", factory=CONSULTATION)
    config.add_route("restitution_version", "/consultations/{ref}/restitution/versions/{version:\\d+}", factory=CONSULTATION)
    config.add_route("contribution_answer", "/consultations/{ref}/contributions/{item}/suite-donnee", factory=CONSULTATION)
    config.add_route("contribution_quote", "/consultations/{ref}/contributions/{item}/citer", factory=CONSULTATION)
    config.add_route("contribution_unquote", "/consultations/{ref}/contributions/{item}/retirer-citation", factory=CONSULTATION)
    # Residents: inclusion statistics (engage/views/inclusion/).
    config.add_route("inclusion_statistics", "/statistiques/inclusion")
