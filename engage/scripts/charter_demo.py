"""Demo data of the Paris 2017 commitment: milestones, a co-drafted and adopted charter, the guide.

Everything goes through the application (events), like any editor's or resident's action.
The deliberation is illustrative and says so.
"""

from __future__ import annotations

from uuid import UUID

from ..domain.accounts import Role

MILESTONES = [
    (1, "Lancement de la consultation, édition du guide et nouveaux Ateliers Citoyens",
     "Consultation des Parisiens en ligne et en réunion sur la charte de la participation ; "
     "édition du guide de la participation ; nouveaux Ateliers Citoyens ouverts aux détenteurs de la carte.",
     "2017-01-01", "2017-06-30", "complete", "2017-01-16", "2017-06-30",
     [("Le guide de la participation", "/guide"), ("Les Ateliers Citoyens", "/ateliers")]),
    (2, "Restitution de la consultation",
     "Rendre compte aux habitants de ce qu'ils ont dit et de la suite donnée par la Ville.",
     "2017-06-01", "2017-09-30", "substantial", "2017-06-15", None,
     [("Les consultations", "/consultations")]),
    (3, "Rédaction de la charte de la participation parisienne",
     "Rédaction de la charte avec les habitants : articles, amendements, votes.",
     "2017-09-01", "2017-10-31", "complete", "2017-09-04", "2017-10-27",
     [("Les versions de la charte", "/charte")]),
    (4, "Adoption de la charte de la participation parisienne",
     "Inscription à l'ordre du jour du Conseil de Paris.",
     "2017-11-01", "2017-11-30", "complete", "2017-11-20", "2017-11-20",
     [("La charte adoptée", "/charte/adoptee")]),
]

ARTICLES = [
    ("Une participation ouverte à toutes et à tous",
     "Toute personne qui vit, travaille ou étudie à Paris peut participer, quels que soient son âge, "
     "sa nationalité ou sa situation."),
    ("Informer avant de consulter",
     "Avant chaque consultation, la Ville publie une information claire sur le projet, ses enjeux, "
     "son calendrier et ce qui peut encore changer."),
    ("Rendre compte",
     "À l'issue de chaque consultation, la Ville publie la synthèse des contributions."),
    ("Des lieux et des moments accessibles",
     "Les réunions publiques se tiennent dans des lieux accessibles, à des horaires variés."),
    ("Former les citoyens",
     "Les Ateliers Citoyens de Paris forment gratuitement les habitants au fonctionnement des institutions."),
]

AMENDMENTS = [
    # (article index, new text, rationale, decision, reason, votes agree/mixed/disagree)
    (2, "À l'issue de chaque consultation, la Ville publie la synthèse des contributions et, pour chacune, "
        "la suite qui lui est donnée et pourquoi.",
     "Savoir ce que la Ville a fait de notre avis est la première raison de participer à nouveau.",
     "accept", "Retenu : la restitution indique désormais la suite donnée à chaque contribution.", (9, 2, 1)),
    (3, "Les réunions publiques se tiennent dans des lieux accessibles, à des horaires variés, "
        "et peuvent être suivies à distance.",
     "Les parents de jeunes enfants et les personnes qui travaillent tard ne peuvent pas toujours se déplacer.",
     "accept", "Retenu : les réunions seront retransmises et les contributions à distance acceptées.", (7, 3, 0)),
    (0, "Seules les personnes inscrites sur les listes électorales parisiennes peuvent participer.",
     "La participation devrait être réservée aux électeurs.",
     "reject", "Non retenu : la charte vise tous les habitants, électeurs ou non, comme le prévoit l'engagement.",
     (1, 1, 8)),
    (1, "Avant chaque consultation, la Ville publie une information claire et accessible (facile à lire et à "
        "comprendre) sur le projet, ses enjeux, son calendrier et ce qui peut encore changer.",
     "Les documents doivent être lisibles par tous.", None, None, (5, 1, 0)),
]

GUIDE = [
    ("comment-participer", "Comment participer",
     "## Les manières de participer\n\n"
     "- **en ligne**, sur cette plateforme : consultations, amendements à la charte, votes ;\n"
     "- **en réunion**, dans les mairies d'arrondissement et les conseils de quartier ;\n"
     "- **aux Ateliers Citoyens**, gratuits pour les détenteurs de la [Carte Citoyen·ne](/carte).\n\n"
     "## Ce que la Ville s'engage à faire\n\n"
     "Informer avant de consulter, rendre compte après, et dire ce qu'elle a fait de chaque contribution."),
    ("instances", "Les instances de la participation",
     "## Les instances consultatives\n\n"
     "- la **Commission parisienne du débat public** ;\n"
     "- le **Conseil parisien de la jeunesse** ;\n"
     "- les **conseils de quartier** de chaque arrondissement.\n\n"
     "Chacune peut être saisie par les habitants ; leurs avis sont publics."),
]

DELIBERATION = {
    "COLL_NOM": "Ville de Paris", "COLL_SIRET": "21750001600019", "DELIB_ID": "2017 DDCT 183",
    "DELIB_DATE": "2017-11-20", "DELIB_MATIERE_CODE": "9.1", "DELIB_MATIERE_NOM": "Autres domaines de compétences des communes",
    "DELIB_OBJET": "Adoption de la Charte parisienne de la participation (données d'illustration)",
    "BUDGET_ANNEE": "", "BUDGET_NOM": "", "PREF_ID": "", "PREF_DATE": "",
    "VOTE_EFFECTIF": "163", "VOTE_REEL": "148", "VOTE_POUR": "121", "VOTE_CONTRE": "0", "VOTE_ABSTENTION": "27",
    "DELIB_URL": "", "illustrative": True,
    "groups": [
        {"name": "Groupe A (illustration)", "pour": "62", "contre": "0", "abstention": "0"},
        {"name": "Groupe B (illustration)", "pour": "59", "contre": "0", "abstention": "0"},
        {"name": "Groupe C (illustration)", "pour": "0", "contre": "0", "abstention": "27"},
    ],
}


def _people(app, count: int) -> list[UUID]:
    names = ["Camille du 11e", "Léa du 20e", "Karim du 18e", "Inès du 13e", "Hugo du 15e", "Aïcha du 19e",
             "Thomas du 5e", "Zoé du 12e", "Malik du 10e", "Jeanne du 14e", "Yanis du 17e", "Manon du 3e"]
    people = []
    for index in range(count):
        registered = app.register_account(name=f"Démo {index}", email=f"charte-demo-{index}@exemple.fr",
                                          display_name=names[index % len(names)])
        people.append(registered.person_id)
    return people


def load_charter_demo(engage, *, adopted: bool = True) -> None:
    """The commitment's milestones, the charter (drafted, amended, adopted unless told), the guide."""
    app = engage.app
    for step, title, description, start, end, level, actual_start, actual_end, links in MILESTONES:
        app.plan_milestone(step=step, title=title, description=description, planned_start=start, planned_end=end)
        app.record_milestone_progress(step, level=level if adopted or step < 4 else "not_started",
                                      actual_start=actual_start if adopted or step < 4 else None,
                                      actual_end=actual_end if adopted or step < 4 else None)
        for link_title, url in links:
            app.link_milestone_deliverable(step, title=link_title, url=url)
    for slug, title, body in GUIDE:
        app.publish_guide_page(slug=slug, title=title, body=body)

    people = _people(app, 12)
    editor = people[-1]
    app.grant_role(editor, Role.EDITOR, granted_by=editor)
    app.start_charter()
    article_ids = [app.add_article(title=title, text=text).id.hex for title, text in ARTICLES]
    app.publish_charter_version("Projet soumis à la concertation")
    app.open_charter_drafting()
    for author, (index, text, rationale, decision, reason, votes) in enumerate(AMENDMENTS):
        amendment = app.propose_amendment(article_id=article_ids[index], base_version=1, text=text,
                                          rationale=rationale, author_id=people[author]).id
        voters = iter(people)
        for choice, count in zip(("agree", "mixed", "disagree"), votes):
            for _ in range(count):
                app.vote_on_amendment(amendment, person_id=next(voters), choice=choice)
        if decision == "accept":
            app.accept_amendment(amendment, reason=reason)
        elif decision == "reject":
            app.reject_amendment(amendment, reason=reason)
    if adopted:
        app.close_charter_drafting()
        app.publish_charter_version("Texte soumis au Conseil de Paris")
        app.adopt_charter(DELIBERATION)
