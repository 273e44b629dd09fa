"""Charter domain: drafting, amendments, outdated conflicts, ballots, adoption freeze, milestones, guide."""

from uuid import uuid4

import pytest

from engage.domain.charter.errors import (
    AlreadyLinked,
    AmendmentAlreadyDecided,
    AmendmentOutdated,
    CharterFrozen,
    CharterNotLinked,
    ContributionNotCitable,
    DatesOutOfOrder,
    DraftingNotOpen,
    EmptyText,
    InvalidDeliberation,
    InvalidLevel,
    NothingChanged,
    NothingPublished,
    TooManyCitations,
    UnknownContribution,
)
from engage.domain.charter.model import (
    MAX_CITED,
    Amendment,
    Ballot,
    Charter,
    GuidePage,
    Milestone,
    amendments_open,
    ballot_id,
    canonical_charter_text,
    check_citable,
    check_deliberation,
    digest,
)
from engage.domain.consultations.model import PHASES

DELIB = {"COLL_NOM": "Ville de Paris", "COLL_SIRET": "21750001600019", "DELIB_ID": "2017 DDCT 183",
         "DELIB_DATE": "2017-11-20", "DELIB_MATIERE_NOM": "Autres domaines de compétences des communes", "DELIB_OBJET": "Adoption de la Charte parisienne de la participation",
         "VOTE_EFFECTIF": "163", "VOTE_REEL": "150", "VOTE_POUR": "120", "VOTE_CONTRE": "20",
         "VOTE_ABSTENTION": "10", "groups": [{"name": "Groupe A", "pour": "40", "contre": "0", "abstention": "2"}]}


CONSULTATION = uuid4()


def drafted():
    charter = Charter(title="Charte parisienne de la participation")
    charter.add_article(article_id="a1", title="Principes", text="La participation est ouverte à tous.")
    charter.link_consultation(CONSULTATION)
    return charter


def propose(charter, text, *, base_version=1, rationale="r", phase="redaction"):
    return Amendment.propose(charter, article_id="a1", base_version=base_version, author_id=uuid4(), text=text,
                             rationale=rationale, consultation_phase=phase)


def test_accepted_amendment_makes_a_new_version_and_records_provenance():
    charter = drafted()
    amendment = propose(charter, "La participation est ouverte à toutes et à tous.", rationale="Inclusif")
    assert amendment.accept(charter, "Retenu") == 2
    assert charter.articles["a1"]["versions"][-1].endswith("toutes et à tous.")
    revised = [e for e in charter.collect_events() if type(e).__name__ == "ArticleRevised"][0]
    assert revised.amendment_id == amendment.id.hex
    with pytest.raises(AmendmentAlreadyDecided):
        amendment.reject("trop tard")


def test_outdated_amendment_is_refused_and_stays_pending():
    charter = drafted()
    first = propose(charter, "Texte A")
    second = propose(charter, "Texte B")
    first.accept(charter, "ok")
    with pytest.raises(AmendmentOutdated) as error:
        second.accept(charter, "ok")
    assert error.value.mapping == {"base": "1", "current": "2"}
    assert second.status == "pending"
    assert charter.articles["a1"]["versions"] == ["La participation est ouverte à tous.", "Texte A"]


def test_amending_needs_the_consultations_drafting_phase_and_a_real_change():
    charter = Charter(title="Charte")
    charter.add_article(article_id="a1", title="T", text="Texte")
    with pytest.raises(CharterNotLinked):  # no consultation, no drafting phase
        propose(charter, "Autre")
    charter.link_consultation(CONSULTATION)
    for phase in (None, "consultation", "restitution", "adoption"):
        with pytest.raises(DraftingNotOpen):
            propose(charter, "Autre", phase=phase)
    assert propose(charter, "Autre").status == "pending"
    with pytest.raises(NothingChanged):
        propose(charter, " Texte ")
    with pytest.raises(EmptyText):
        propose(charter, "   ")


def test_the_drafting_rule_is_the_consultation_phase_and_adoption_closes_it():
    assert [phase for phase in PHASES if amendments_open(adopted=False, consultation_phase=phase)] == ["redaction"]
    assert not amendments_open(adopted=True, consultation_phase="redaction")
    assert not amendments_open(adopted=False, consultation_phase=None)
    charter = drafted()
    charter.check_drafting_open("redaction")
    charter.adopt(DELIB)
    with pytest.raises(CharterFrozen):
        charter.check_drafting_open("redaction")
    with pytest.raises(CharterFrozen):
        charter.link_consultation(uuid4())


def test_linking_twice_to_the_same_consultation_is_refused_and_relinking_is_recorded():
    charter = drafted()
    with pytest.raises(AlreadyLinked):
        charter.link_consultation(CONSULTATION)
    other = uuid4()
    charter.link_consultation(other)
    assert charter.consultation_id == other
    linked = [e for e in charter.collect_events() if type(e).__name__ == "CharterLinkedToConsultation"]
    assert [e.consultation_id for e in linked] == [CONSULTATION, other]


class FakeContribution:
    """What check_citable reads of a Contribution aggregate."""

    def __init__(self, consultation_id, *, hidden=False, withdrawn=False):
        self.id, self.consultation_id, self.hidden, self.withdrawn = uuid4(), consultation_id, hidden, withdrawn


def test_an_article_version_cites_the_contributions_that_shaped_it():
    charter = drafted()
    good = FakeContribution(CONSULTATION)
    cited = [check_citable(charter, good, "ref")]
    assert cited == [good.id.hex]
    amendment = propose(charter, "La participation est ouverte à toutes et à tous.")
    amendment.accept(charter, "Retenu", cited + cited)  # a repeat counts once
    version = charter.revise_article(article_id="a1", text="Troisième texte.", base_version=2, reason="Relu",
                                     contributions=cited)
    events = [e for e in charter.collect_events() if type(e).__name__ == "ContributionsCited"]
    assert [(e.article_id, e.version, e.contribution_ids) for e in events] == [("a1", 2, cited), ("a1", version, cited)]
    charter.revise_article(article_id="a1", text="Quatrième texte.", base_version=3)
    assert not [e for e in charter.collect_events() if type(e).__name__ == "ContributionsCited"]  # none cited


def test_hidden_withdrawn_unknown_or_foreign_contributions_cannot_be_cited():
    charter = drafted()
    with pytest.raises(ContributionNotCitable) as hidden:
        check_citable(charter, FakeContribution(CONSULTATION, hidden=True), "abcd1234")
    assert hidden.value.mapping == {"ref": "abcd1234"}
    with pytest.raises(ContributionNotCitable):
        check_citable(charter, FakeContribution(CONSULTATION, withdrawn=True), "x")
    with pytest.raises(UnknownContribution):
        check_citable(charter, None, "x")
    with pytest.raises(UnknownContribution):  # from another consultation
        check_citable(charter, FakeContribution(uuid4()), "x")
    with pytest.raises(CharterNotLinked):
        check_citable(Charter(title="Seule"), FakeContribution(CONSULTATION), "x")
    with pytest.raises(TooManyCitations):
        charter.revise_article(article_id="a1", text="Autre", base_version=1,
                               contributions=[uuid4().hex for _ in range(MAX_CITED + 1)])
    assert charter.current_version("a1") == 1  # nothing recorded


def test_adoption_freezes_the_text_and_records_its_digest():
    charter = drafted()
    version = charter.adopt(DELIB)
    assert charter.adoption["sha256"] == digest(charter.canonical_text())
    assert charter.published[-1]["version"] == version
    with pytest.raises(CharterFrozen):
        charter.add_article(article_id="a2", title="Nouveau", text="Texte")
    with pytest.raises(CharterFrozen):
        propose(charter, "X")
    with pytest.raises(CharterFrozen):
        charter.adopt(DELIB)


def test_canonical_text_is_ordered_by_article_number():
    text = canonical_charter_text("Charte", [(2, "B", "deux"), (1, "A", "un")])
    assert text == "Charte\n\nArticle 1 – A\n\nun\n\nArticle 2 – B\n\ndeux\n"


def test_deliberation_fields_are_checked():
    checked = check_deliberation(DELIB)
    assert checked["VOTE_POUR"] == 120 and checked["groups"][0]["pour"] == 40
    for broken in ({"COLL_SIRET": "123"}, {"DELIB_ID": ""}, {"DELIB_DATE": "20/11/2017"},
                   {"VOTE_POUR": "beaucoup"}, {"VOTE_POUR": "200"}):
        with pytest.raises(Exception) as error:
            check_deliberation({**DELIB, **broken})
        assert isinstance(error.value, (InvalidDeliberation,)) or "date" in error.value.message.lower()
    with pytest.raises(NothingPublished):
        Charter(title="Vide").adopt(DELIB)


def test_ballot_ids_are_keyed_and_events_carry_no_voter():
    person, amendment = uuid4(), uuid4()
    one = ballot_id(person, amendment, b"k" * 32)
    assert one == ballot_id(person, amendment, b"k" * 32)
    assert one != ballot_id(person, amendment, b"x" * 32)
    ballot = Ballot(ballot_id=one, amendment_id=amendment, choice="agree")
    ballot.change("mixed")
    ballot.withdraw()
    for event in ballot.collect_events():
        assert person not in vars(event).values()
        assert person.hex not in repr(vars(event))


def test_milestone_progress_and_deliverables():
    milestone = Milestone.plan(step=1, title="Lancement", description="", planned_start="2017-01-01",
                               planned_end="2017-06-30")
    milestone.record_progress(level="complete", actual_start="2017-01-15", actual_end="2017-06-30", note="")
    with pytest.raises(InvalidLevel):
        milestone.record_progress(level="presque", actual_start=None, actual_end=None, note="")
    with pytest.raises(DatesOutOfOrder):
        milestone.record_progress(level="limited", actual_start="2017-06-01", actual_end="2017-01-01", note="")
    with pytest.raises(Exception):
        milestone.link_deliverable(title="Piège", url="javascript:alert(1)")
    milestone.link_deliverable(title="Charte", url="/charte")
    assert milestone.deliverables == [("Charte", "/charte")]


def test_guide_page_keeps_each_version():
    page = GuidePage(slug="bienvenue")
    assert page.publish(title="Bienvenue", body="# Titre") == 1
    assert page.publish(title="Bienvenue", body="# Titre modifié") == 2
    assert len(page.versions) == 2 and page.versions[0] != page.versions[1]


def test_word_diff_marks_insertions_and_deletions_with_spoken_labels():
    from engage.views.charter.diff import word_diff

    html = str(word_diff("La participation est ouverte à tous.", "La participation est ouverte à toutes <b>!"))
    assert '<del><span class="visually-hidden">supprimé : </span>tous.</del>' in html
    assert '<ins><span class="visually-hidden">ajouté : </span>toutes &lt;b&gt;!</ins>' in html
    punctuation = word_diff("des contributions.", "des contributions et des avis.")
    assert punctuation == ('des contributions<ins><span class="visually-hidden">ajouté : </span> et des avis</ins>.')
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert str(word_diff("même texte", "même texte")) == "même texte"
