"""Demo data of the Paris 2017 commitment: milestones, a co-drafted and adopted charter, the guide.

Everything goes through the application (events), like any editor's or resident's action.
The deliberation is illustrative and says so.

The charter is drafted with the demo consultation: linked to it, amended and voted on while the
consultation is in its "redaction" phase, its article versions citing the contributions that shaped
them, and adopted once the consultation reaches "adoption". `stage` says how far the story goes:
"consultation" (contributions still open, the draft published), "redaction" (amendments and votes
open) or "adopted" (the default: the whole story, the consultation's plan in 2017 like the milestones).
"""

from __future__ import annotations

from uuid import UUID

from engage.domain.accounts.model import Role
from engage.domain.consultations.model import PHASES

STAGES = ("consultation", "redaction", "adopted")
# The consultation's plan in 2017, as the commitment's milestones tell it.
PLAN_2017 = [("consultation", "2017-01-16", "2017-06-14"), ("restitution", "2017-06-15", "2017-09-03"),
             ("redaction", "2017-09-04", "2017-10-27"), ("adoption", "2017-10-28", "2017-11-20")]

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
    # (article index, new text, rationale, decision, reason, votes agree/mixed/disagree,
    #  beginnings of the consultation contributions the accepted version cites: those of the open
    #  demo consultation and of the finished 2017 one, whichever the charter is linked to)
    (2, "À l'issue de chaque consultation, la Ville publie la synthèse des contributions et, pour chacune, "
        "la suite qui lui est donnée et pourquoi.",
     "Savoir ce que la Ville a fait de notre avis est la première raison de participer à nouveau.",
     "accept", "Retenu : la restitution indique désormais la suite donnée à chaque contribution.", (9, 2, 1),
     ("Publier en ligne, sous huit jours", "La transparence sur les suites données",
      "Dire pour chaque proposition ce que la Ville en a fait")),
    (3, "Les réunions publiques se tiennent dans des lieux accessibles, à des horaires variés, "
        "et peuvent être suivies à distance.",
     "Les parents de jeunes enfants et les personnes qui travaillent tard ne peuvent pas toujours se déplacer.",
     "accept", "Retenu : les réunions seront retransmises et les contributions à distance acceptées.", (7, 3, 0),
     ("Tenir les réunions de quartier aussi le samedi matin", "Des permanences des élus le samedi matin")),
    (0, "Seules les personnes inscrites sur les listes électorales parisiennes peuvent participer.",
     "La participation devrait être réservée aux électeurs.",
     "reject", "Non retenu : la charte vise tous les habitants, électeurs ou non, comme le prévoit l'engagement.",
     (1, 1, 8), ()),
    (1, "Avant chaque consultation, la Ville publie une information claire et accessible (facile à lire et à "
        "comprendre) sur le projet, ses enjeux, son calendrier et ce qui peut encore changer.",
     "Les documents doivent être lisibles par tous.", None, None, (5, 1, 0), ()),
]
# An editors' revision during the drafting phase, citing what was said at the public meeting.
REVISION = (1, "Avant chaque consultation, la Ville publie une information claire sur le projet, ses enjeux, "
               "son calendrier et ce qui peut encore changer, en ligne et sur papier dans les mairies.",
            "Reprend une contribution recueillie en réunion publique.",
            ("Beaucoup de gens n'ont pas internet", "Garder des réunions en vrai"))

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


def advance(app, consultation_id: UUID, phase: str, *, by: UUID) -> None:
    """Start the consultation's phases, in order, up to `phase` (those already started are kept)."""
    current = app.get_consultation(consultation_id).current_phase
    done = PHASES.index(current) if current in PHASES else -1
    for step in PHASES[done + 1: PHASES.index(phase) + 1]:
        app.start_phase(consultation_id, step, started_by=by)


def contributions_starting(engage, consultation_id: UUID, beginnings) -> list[UUID]:
    """Demo contributions found by the beginning of their text, in the consultation's read model."""
    from engage.projections.consultations import queries as cq

    engage.engine.catch_up()
    rows, _more = cq.contributions(engage.db, consultation_id.hex, size=200)
    found = []
    for beginning in beginnings:
        found += [UUID(r.contribution_id) for r in rows if r.body and r.body.startswith(beginning)][:1]
    return found


def load_charter_demo(engage, *, adopted: bool = True, consultation_id: UUID | None = None,
                      stage: str | None = None) -> None:
    """The commitment's milestones, the charter (drafted, amended, adopted unless told), the guide."""
    stage = stage or ("adopted" if adopted else "redaction")
    if stage not in STAGES:
        raise ValueError(stage)
    adopted = stage == "adopted"
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
    if consultation_id is None:  # the charter alone (some tests): a consultation of its own
        consultation_id = demo_consultation(app, editor)
    app.link_charter_to_consultation(consultation_id)
    article_ids = [app.add_article(title=title, text=text).id.hex for title, text in ARTICLES]
    app.publish_charter_version("Projet soumis à la concertation")
    if stage == "consultation":
        return
    if adopted:
        _plan_2017(app, consultation_id, editor)
    advance(app, consultation_id, "redaction", by=editor)
    for author, (index, text, rationale, decision, reason, votes, cites) in enumerate(AMENDMENTS):
        amendment = app.propose_amendment(article_id=article_ids[index], base_version=1, text=text,
                                          rationale=rationale, author_id=people[author]).id
        voters = iter(people)
        for choice, count in zip(("agree", "mixed", "disagree"), votes):
            for _ in range(count):
                app.vote_on_amendment(amendment, person_id=next(voters), choice=choice)
        if decision == "accept":
            app.accept_amendment(amendment, reason=reason,
                                 contributions=contributions_starting(engage, consultation_id, cites))
        elif decision == "reject":
            app.reject_amendment(amendment, reason=reason)
    index, text, reason, cites = REVISION
    app.revise_article(article_ids[index], text=text, base_version=1, reason=reason,
                       contributions=contributions_starting(engage, consultation_id, cites))
    if adopted:
        advance(app, consultation_id, "adoption", by=editor)
        app.publish_charter_version("Texte soumis au Conseil de Paris")
        app.adopt_charter(DELIBERATION)


def _plan_2017(app, consultation_id: UUID, editor: UUID) -> None:
    """The consultation's calendar moved to 2017, the commitment's year, so pages and milestones agree."""
    consultation = app.get_consultation(consultation_id)
    app.revise_consultation(
        consultation_id, revised_by=editor, title=consultation.title, description=consultation.description,
        themes=consultation.themes, card_required=consultation.card_required,
        support_threshold=consultation.support_threshold,
        plan=[{"phase": phase, "starts_on": start, "ends_on": end} for phase, start, end in PLAN_2017])


def demo_consultation(app, editor: UUID) -> UUID:
    """A consultation for the charter when none is given, open for contributions."""
    consultation = app.create_consultation(
        slug="charte-participation", created_by=editor, title="Charte parisienne de la participation",
        description="La consultation des Parisiennes et des Parisiens sur leur charte de la participation.",
        themes=["Information et transparence"], card_required=False, support_threshold=1500,
        plan=[{"phase": phase, "starts_on": start, "ends_on": end} for phase, start, end in PLAN_2017]).id
    app.start_phase(consultation, "consultation", started_by=editor)
    return consultation
