"""Demo data of the Paris 2017 commitment: its four steps (milestones), the guide, and the charter
co-drafted with the 2017 consultation (demo_restitution.py) and adopted by the Conseil de Paris.

The commitment's steps, with their 2017 dates: January 2017, launch of the consultation, the guide
and new Ateliers Citoyens; June 2017, the restitution; September 2017, the drafting of the charter
(amendments and votes while the consultation is in its "redaction" phase, article versions citing
the contributions that shaped them); December 2017, the adoption by the Conseil de Paris
(deliberation 2017 DDCT 183). These are reconstructed historical acts: entered by engage-demo
today, through the application (events, like any editor's or resident's action), each recorded
at the 2017 date it happened (engage.domain.clock.recorded_at). The deliberation's figures are
illustrative and say so.

`stage` says how far the story goes: "consultation" (the draft published), "redaction"
(amendments and votes open, the story stopped in the autumn of 2017: some browser tests amend it)
or "adopted" (the default: the whole story).
"""

from __future__ import annotations

from contextlib import nullcontext
from uuid import UUID

from engage.domain.accounts.model import Role
from engage.domain.clock import recorded_at
from engage.domain.consultations.model import PHASES
from engage.scripts import paris_time
from engage.scripts.demo_restitution import plan_2017

STAGES = ("consultation", "redaction", "adopted")
PLANNED = paris_time(2017, 1, 2)
GUIDE_PUBLISHED = paris_time(2017, 1, 16, 9)
DRAFTING = paris_time(2017, 9, 4, 9)
SUBMITTED = paris_time(2017, 11, 2, 10)  # the text sent to the Conseil de Paris, on its agenda
ADOPTED = paris_time(2017, 12, 12, 18)   # the deliberation's day

MILESTONES = [
    # (step, title, description, planned start, planned end, level, actual start, actual end, links, recorded)
    (1, "Lancement de la consultation, édition du guide et nouveaux Ateliers Citoyens",
     "Consultation des Parisiens en ligne et en réunion sur la charte de la participation ; "
     "édition du guide de la participation ; nouveaux Ateliers Citoyens ouverts aux détenteurs de la carte.",
     "2017-01-01", "2017-06-30", "complete", "2017-01-16", "2017-06-14",
     [("Le guide de la participation", "/guide"), ("Les Ateliers Citoyens", "/ateliers")], paris_time(2017, 6, 15)),
    (2, "Restitution de la consultation",
     "Rendre compte aux habitants de ce qu'ils ont dit et de la suite donnée par la Ville.",
     "2017-06-01", "2017-09-30", "complete", "2017-06-15", "2017-06-28",
     [("Les consultations", "/consultations")], paris_time(2017, 6, 28, 12)),
    (3, "Rédaction de la charte de la participation parisienne",
     "Rédaction de la charte avec les habitants : articles, amendements, votes.",
     "2017-09-01", "2017-10-31", "complete", "2017-09-04", "2017-10-31",
     [("Les versions de la charte", "/charte")], paris_time(2017, 11, 2, 9)),
    (4, "Adoption de la charte de la participation parisienne",
     "Inscription à l'ordre du jour du Conseil de Paris (novembre 2017), adoption en séance "
     "(décembre 2017, délibération 2017 DDCT 183).",
     "2017-11-01", "2017-12-31", "complete", "2017-11-02", "2017-12-12",
     [("La charte adoptée", "/charte/adoptee")], paris_time(2017, 12, 13)),
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
    #  beginnings of the 2017 consultation's contributions the accepted version cites)
    (2, "À l'issue de chaque consultation, la Ville publie la synthèse des contributions et, pour chacune, "
        "la suite qui lui est donnée et pourquoi.",
     "Savoir ce que la Ville a fait de notre avis est la première raison de participer à nouveau.",
     "accept", "Retenu : la restitution indique désormais la suite donnée à chaque contribution.", (9, 2, 1),
     ("Dire pour chaque proposition ce que la Ville en a fait",)),
    (3, "Les réunions publiques se tiennent dans des lieux accessibles, à des horaires variés, "
        "et peuvent être suivies à distance.",
     "Les parents de jeunes enfants et les personnes qui travaillent tard ne peuvent pas toujours se déplacer.",
     "accept", "Retenu : les réunions seront retransmises et les contributions à distance acceptées.", (7, 3, 0),
     ("Des permanences des élus le samedi matin", "Garder des réunions en vrai")),
    (0, "Seules les personnes inscrites sur les listes électorales parisiennes peuvent participer.",
     "La participation devrait être réservée aux électeurs.",
     "reject", "Non retenu : la charte vise tous les habitants, électeurs ou non, comme le prévoit l'engagement.",
     (1, 1, 8), ()),
    (1, "Avant chaque consultation, la Ville publie une information claire et accessible (facile à lire et à "
        "comprendre) sur le projet, ses enjeux, son calendrier et ce qui peut encore changer.",
     "Les documents doivent être lisibles par tous.", None, None, (5, 1, 0), ()),
]
# The pending amendment, when the text goes to the Conseil de Paris: decided, so nothing stays pending.
PENDING_AT_SUBMISSION = ("Non retenu en l'état : l'article 2, révisé, prévoit déjà une information sur papier ; "
                         "une version facile à lire et à comprendre de chaque synthèse sera publiée.")
# An editors' revision during the drafting phase, citing what was said at the public meeting and online.
REVISION = (1, "Avant chaque consultation, la Ville publie une information claire sur le projet, ses enjeux, "
               "son calendrier et ce qui peut encore changer, en ligne et sur papier dans les mairies.",
            "Reprend une contribution recueillie en réunion publique.",
            ("Prévenir les habitants par affichage", "Traduire les documents des consultations"))

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
    "DELIB_DATE": "2017-12-12", "DELIB_MATIERE_CODE": "9.1", "DELIB_MATIERE_NOM": "Autres domaines de compétences des communes",
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


def plan_commitment(app) -> None:
    """January 2017: the commitment's four steps planned, and the guide published."""
    with recorded_at(PLANNED):
        for step, title, description, start, end, *_progress in MILESTONES:
            app.plan_milestone(step=step, title=title, description=description, planned_start=start,
                               planned_end=end)
    with recorded_at(GUIDE_PUBLISHED):
        for slug, title, body in GUIDE:
            app.publish_guide_page(slug=slug, title=title, body=body)


def record_progress(app, step: int, *, done: bool = True) -> None:
    """A step's progress and deliverables, recorded when the step ended (or under way, not `done`)."""
    _step, _title, _description, _start, _end, level, actual_start, actual_end, links, when = MILESTONES[step - 1]
    with recorded_at(when):
        app.record_milestone_progress(step, level=level if done else "substantial", actual_start=actual_start,
                                      actual_end=actual_end if done else None)
        for link_title, url in links:
            app.link_milestone_deliverable(step, title=link_title, url=url)


def load_charter_demo(engage, *, adopted: bool = True, consultation_id: UUID | None = None,
                      stage: str | None = None, planned: bool = False) -> None:
    """The charter drafted with `consultation_id` (the 2017 consultation, past its restitution) from
    September 2017, amended, and adopted in December 2017 unless told; the commitment's steps and the
    guide too unless already `planned` (engage-demo plans them first, in January 2017)."""
    stage = stage or ("adopted" if adopted else "redaction")
    if stage not in STAGES:
        raise ValueError(stage)
    adopted = stage == "adopted"
    app = engage.app
    if not planned:
        plan_commitment(app)
    for step in (1, 2):  # the consultation launched and restituted (demo_restitution.py)
        record_progress(app, step)
    dated = consultation_id is not None  # a charter of its own (some tests) is drafted today

    def at(moment):
        return recorded_at(moment) if dated else nullcontext()

    with at(DRAFTING):
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
        advance(app, consultation_id, "redaction", by=editor)
    pending = []
    for author, (index, text, rationale, decision, reason, votes, cites) in enumerate(AMENDMENTS):
        with at(paris_time(2017, 9, 11 + 5 * author, 18)):
            amendment = app.propose_amendment(article_id=article_ids[index], base_version=1, text=text,
                                              rationale=rationale, author_id=people[author]).id
            voters = iter(people)
            for choice, count in zip(("agree", "mixed", "disagree"), votes):
                for _ in range(count):
                    app.vote_on_amendment(amendment, person_id=next(voters), choice=choice)
        with at(paris_time(2017, 10, 16 + author, 11)):
            if decision == "accept":
                app.accept_amendment(amendment, reason=reason,
                                     contributions=contributions_starting(engage, consultation_id, cites))
            elif decision == "reject":
                app.reject_amendment(amendment, reason=reason)
            else:
                pending.append(amendment)
    index, text, reason, cites = REVISION
    with at(paris_time(2017, 10, 27, 15)):
        app.revise_article(article_ids[index], text=text, base_version=1, reason=reason,
                           contributions=contributions_starting(engage, consultation_id, cites))
    if not adopted:
        if dated:
            record_progress(app, 3, done=False)
        return
    with at(SUBMITTED):
        for amendment in pending:
            app.reject_amendment(amendment, reason=PENDING_AT_SUBMISSION)
        advance(app, consultation_id, "adoption", by=editor)
        app.publish_charter_version("Texte soumis au Conseil de Paris")
    record_progress(app, 3)
    with at(ADOPTED):
        app.adopt_charter(DELIBERATION)
    record_progress(app, 4)


def demo_consultation(app, editor: UUID) -> UUID:
    """A consultation for the charter when none is given, open for contributions."""
    consultation = app.create_consultation(
        slug="charte-participation", created_by=editor, title="Charte parisienne de la participation",
        description="La consultation des Parisiennes et des Parisiens sur leur charte de la participation.",
        themes=["Information et transparence"], card_required=False, support_threshold=1500,
        plan=plan_2017()).id
    app.start_phase(consultation, "consultation", started_by=editor)
    return consultation
