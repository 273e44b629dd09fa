"""Sealed actors (engage.domain.attribution): fast, no app, no database."""

from uuid import uuid4

from engage.domain.attribution import actor_key, open_actor, seal_actor
from engage.domain.consultations.model import Vote
from engage.transparency.public_form import public_form

KEY = actor_key(b"test-card-number-key-0123456789")


def test_a_sealed_actor_opens_only_for_its_own_aggregate_and_key():
    ballot, person = uuid4(), uuid4()
    sealed = seal_actor(KEY, ballot, person)
    assert open_actor(KEY, ballot, sealed) == person
    assert open_actor(KEY, uuid4(), sealed) is None  # copied onto another ballot
    assert open_actor(actor_key(b"another-identifier-key-000000"), ballot, sealed) is None
    assert open_actor(KEY, ballot, None) is None and open_actor(KEY, ballot, "pas du base64 !") is None
    assert seal_actor(KEY, ballot, person) != sealed  # random nonce: nothing to compare


def _open(event, field):
    return open_actor(KEY, event.originator_id, getattr(event, field, None))


def test_the_leaf_shows_a_commitment_to_the_opened_voter_and_an_older_vote_replays():
    person, ballot = uuid4(), uuid4()
    vote = Vote.cast(vote_id=ballot, item_id=uuid4(), option="d-accord",
                     sealed_voter=seal_actor(KEY, ballot, person))
    [cast] = vote.collect_events()
    committed = []

    def commit(event, field, who):
        committed.append((field, who))
        return "c" * 64

    form = public_form(cast, 1, commit, _open)
    assert committed == [("sealed_voter", person)]  # the projection opens the actor, commits to them
    assert form["fields"]["voter"] == {"commitment": "c" * 64}
    assert "sealed_voter" not in form["fields"] and person.hex not in str(form) and str(person) not in str(form)
    assert form["aggregate_id"] == str(ballot)  # a ballot's keyed id: it links its own revisions only
    # A vote stored before the field existed decodes without the attribute: its leaf has no
    # voter (nobody to commit to), and the aggregate still replays from it.
    older = Vote.cast(vote_id=uuid4(), item_id=uuid4(), option="mitige")
    [event] = older.collect_events()
    vars(event).pop("sealed_voter")
    assert "voter" not in public_form(event, 2, commit, _open)["fields"]
    assert event.mutate(None).option == "mitige"
