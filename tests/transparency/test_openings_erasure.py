"""Erasure destroys a resident's openings (issue 15, item 7): afterwards nothing in the log
points to them, their page lists nothing, no published figure moves, the log still verifies,
and a rebuild gives back the same leaves and root without recreating the openings."""

import base64
from uuid import UUID, uuid4

from engage.projections.transparency import queries as acts
from engage.projections.transparency.projection import SqlTree
from engage.transparency.audit import AuditState, audit
from tests.common.accounts import PASSWORD
from tests.common.consultations import create_consultation

STATS = ("/api/stats/card-holders", "/api/stats/votes-per-item",
         "/api/stats/contributions-per-consultation", "/api/stats/workshop-attendance")


def published(site) -> dict:
    """Every published figure, without the log position it reflects (the erasure is an event)."""
    figures = {}
    for path in STATS:
        document = site.testapp.get(path).json
        document.pop("position", None)
        figures[path] = document
    return figures


def the_tree(site) -> tuple[list[tuple[int, int, bytes]], bytes]:
    with site.services.db.reading() as cur:
        tree = SqlTree(cur)
        size = tree.size()
        return tree.entries(0, size), tree.root(size)


def openings_of(site, person_id: UUID) -> list[tuple]:
    with site.services.db.reading() as cur:
        return cur.execute("SELECT act_key, commitment, person_id, salt FROM tlog_commitments"
                           " WHERE person_id = %s ORDER BY act_key", [str(person_id)]).fetchall()


def residents(site, count: int, start: int = 0) -> list[UUID]:
    """Residents with an account (what erasure needs) and a card."""
    people = []
    for i in range(start, start + count):
        signed = site.services.accounts.sign_up(name=f"Personne {i}", email=f"p{i}@exemple.fr",
                                                display_name=f"Personne {i}", password=PASSWORD)
        site.services.accounts.confirm_email(signed.confirmation_token)
        site.services.app.issue_card(name=f"Personne {i}", email=f"p{i}@exemple.fr", arrondissement=1 + i % 3,
                                     age_band="25-34", consent_to_consultation=True, person_id=signed.person_id)
        people.append(signed.person_id)
    return people


def verifies(site, state) -> bool:
    """engage-audit's public level: the key, the signature, consistency with the previous run,
    the root from every entry, the site's inclusion proofs (tallies are not this test's)."""
    report = audit(site.fetch, AuditState(state), tallies={})
    print(report.render())
    return report.passed


def test_erasure_destroys_the_openings_and_the_log_still_verifies(site, tmp_path):
    app = site.services.app
    people = residents(site, 6)
    consultation = create_consultation(app)
    item = app.contribute(consultation_id=consultation, person_id=people[0], has_valid_card=True,
                          kind="avis", theme="Budget participatif", text="Un budget par quartier.").id
    for person_id in people:
        app.cast_vote(person_id=person_id, item_id=item, option="d-accord", has_valid_card=True)
    app.contribute(consultation_id=consultation, person_id=uuid4(), has_valid_card=True,
                   kind="avis", theme="Budget participatif", text="Des bancs.")
    site.catch_up()
    erased, kept = people[0], people[1]
    theirs = acts.acts_of(site.services.db, erased)
    assert [a.type for a in theirs] == ["AccountRegistered", "CardIssued", "ContributionPosted", "VoteCast"]
    kept_before = acts.acts_of(site.services.db, kept)
    figures, (leaves, root) = published(site), the_tree(site)
    assert verifies(site, tmp_path / "auditor")

    site.services.accounts.erase(erased, requested_by=erased)
    site.catch_up()

    # The openings are gone: the commitments stay, opening to nobody.
    assert openings_of(site, erased) == []
    with site.services.db.reading() as cur:
        for act in theirs:
            assert cur.execute("SELECT person_id, salt FROM tlog_commitments WHERE commitment = %s",
                               [act.commitment]).fetchall() == [(None, None)]
    assert acts.acts_of(site.services.db, erased) == []  # their page would list nothing
    assert acts.acts_of(site.services.db, kept) == kept_before
    # Nothing in the log names them; its old leaves are unchanged; no figure moved.
    after, _ = the_tree(site)
    assert after[:len(leaves)] == leaves
    for spelling in (str(erased), erased.hex):
        assert not any(spelling.encode() in data for _, _, data in after)
    assert published(site) == figures
    assert verifies(site, tmp_path / "auditor") and verifies(site, tmp_path / "newcomer")

    # A rebuild replays the same leaves and root, and does not recreate the openings.
    leaves, root = the_tree(site)
    site.services.engine.rebuild(["transparency"])
    assert the_tree(site) == (leaves, root)
    assert openings_of(site, erased) == [] and acts.acts_of(site.services.db, erased) == []
    assert acts.acts_of(site.services.db, kept) == kept_before
    residents(site, 1, start=6)
    site.catch_up()
    assert verifies(site, tmp_path / "auditor")


def test_the_erased_persons_commitments_are_still_in_the_leaves(site):
    """Erasure changes no leaf: a commitment whose opening is destroyed still shows, so the
    tree and every signed checkpoint stay valid."""
    [person_id] = residents(site, 1)
    site.catch_up()
    [_, card] = acts.acts_of(site.services.db, person_id)
    site.services.accounts.erase(person_id, requested_by=person_id)
    site.catch_up()
    [entry] = site.testapp.get("/transparency/entries", {"start": card.leaf_index,
                                                         "end": card.leaf_index + 1}).json["entries"]
    assert base64.b64decode(entry["data"]) == card.data
    assert card.fields["person"] == {"commitment": card.commitment}
