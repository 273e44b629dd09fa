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
    assert seal_actor(KEY, ballot, person) != sealed  # random nonce: the digest in the log says nothing


def test_the_leaf_commits_to_the_opened_voter_and_an_older_vote_keeps_its_leaf_and_replays():
    person, ballot = uuid4(), uuid4()
    vote = Vote.cast(vote_id=ballot, item_id=uuid4(), option="d-accord", sealed_voter=seal_actor(KEY, ballot, person))
    [cast] = vote.collect_events()
    seen = []

    def commit(event, field, who):
        seen.append((field, who))
        return "c" * 64

    fields = public_form(cast, 1, commit, lambda event, field: open_actor(KEY, event.originator_id,
                                                                             getattr(event, field)))["fields"]
    assert fields["voter"] == {"commitment": "c" * 64} and "sealed_voter" not in fields
    assert seen == [("sealed_voter", person)] and person.hex not in str(fields) and str(person) not in str(fields)
    # A vote stored before the field existed decodes without the attribute: its leaf has no
    # such key (unchanged), and the aggregate still replays from it.
    older = Vote.cast(vote_id=uuid4(), item_id=uuid4(), option="mitige")
    [event] = older.collect_events()
    vars(event).pop("sealed_voter")
    assert "voter" not in public_form(event, 2)["fields"]
    assert event.mutate(None).option == "mitige"
