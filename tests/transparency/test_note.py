"""C2SP signed notes and checkpoints, checked against the vectors of the spec and of Go's
golang.org/x/mod/sumdb/note (the reference implementation)."""

import base64

import pytest

from engage.transparency.note import Checkpoint, NoteError, Signer, Verifier, key_id, split_note

EM_DASH = "\u2014"
# c2sp.org/signed-note
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    f"{EM_DASH} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH"
    "3mFXmRKuwHjG1Yu72IneyaQM=\n"
)
# golang.org/x/mod/sumdb/note documentation
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNATURE = (
    f"{EM_DASH} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqf"
    "qdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIGNATURE = (
    f"{EM_DASH} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTG"
    "wnWLox33WWd1RvMc+QQ=\n"
)


def test_the_spec_key_verifies_the_spec_note():
    verifier = Verifier.parse(SPEC_VKEY)
    assert str(verifier) == SPEC_VKEY
    assert verifier.verify(SPEC_NOTE) == "This is an example message.\n"


def test_signing_reproduces_go_byte_for_byte():
    signer = Signer.parse(GO_SKEY)
    assert str(signer) == GO_SKEY
    assert str(signer.verifier) == GO_VKEY
    assert key_id("PeterNeumann", signer.verifier.public_key).hex() == "c74f20a3"
    assert signer.sign(GO_TEXT) == GO_TEXT + "\n" + GO_SIGNATURE  # Ed25519 is deterministic


def test_other_signers_are_ignored_but_one_known_signature_is_needed():
    note = GO_TEXT + "\n" + GO_SIGNATURE + ENOCH_SIGNATURE
    assert Verifier.parse(GO_VKEY).verify(note) == GO_TEXT
    with pytest.raises(NoteError, match="no signature"):
        Verifier.parse(SPEC_VKEY).verify(note)


def test_a_changed_text_or_signature_does_not_verify():
    verifier = Verifier.parse(GO_VKEY)
    with pytest.raises(NoteError, match="does not verify"):
        verifier.verify(GO_TEXT.replace("answer", "solution") + "\n" + GO_SIGNATURE)
    blob = bytearray(base64.b64decode(GO_SIGNATURE.split()[-1]))
    blob[-1] ^= 1
    forged = f"{EM_DASH} PeterNeumann {base64.b64encode(bytes(blob)).decode()}\n"
    with pytest.raises(NoteError, match="does not verify"):
        verifier.verify(GO_TEXT + "\n" + forged)


@pytest.mark.parametrize(
    "vkey",
    [
        GO_VKEY.replace("c74f20a3", "00000000"),  # key id does not match
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # unknown algorithm
        # wrong length
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
    ],
)
def test_malformed_verifier_keys_are_refused(vkey):
    with pytest.raises(NoteError):
        Verifier.parse(vkey)


@pytest.mark.parametrize(
    "note",
    [
        GO_TEXT + GO_SIGNATURE,  # no blank line
        "text\x01\n\n" + GO_SIGNATURE,  # control character
        GO_TEXT + "\n" + GO_SIGNATURE.rstrip("\n"),  # signature block without its newline
        GO_TEXT + "\n" + "- PeterNeumann abcd\n",  # not an em dash
    ],
)
def test_malformed_notes_are_refused(note):
    with pytest.raises(NoteError):
        split_note(note)


def test_a_key_whose_base64_holds_a_plus_round_trips():
    for attempt in range(200):
        verifier = Signer.generate("engage.example/log").verifier
        if "+" in str(verifier).split("+", 2)[2]:
            assert Verifier.parse(str(verifier)) == verifier
            return
    pytest.fail("no key with '+' in its base64 in 200 tries")  # pragma: no cover


def test_checkpoint_text_round_trips():
    root = bytes(range(32))
    checkpoint = Checkpoint("paris.engage.example/log", 1234, root)
    text = checkpoint.text()
    assert text == f"paris.engage.example/log\n1234\n{base64.b64encode(root).decode()}\n"
    assert Checkpoint.parse(text) == checkpoint
    assert Checkpoint.parse(text + "an extension line\n") == checkpoint


@pytest.mark.parametrize(
    "text",
    [
        "o\n07\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",  # leading zero
        "o\n7\n",
        "o\n7\nAAAA\n",  # not 32 bytes
        "o\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\next\n",  # empty extension line
        "o\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # no final newline
        "\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",  # no origin
        "o\n-7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(NoteError):
        Checkpoint.parse(text)


def test_a_signed_checkpoint_verifies_and_the_private_key_never_shows():
    signer = Signer.generate("paris.engage.example/log")
    note = signer.sign(Checkpoint(signer.name, 3, bytes(32)).text())
    assert Checkpoint.parse(signer.verifier.verify(note)).size == 3
    assert str(signer).split("+", 4)[4] not in repr(signer)
