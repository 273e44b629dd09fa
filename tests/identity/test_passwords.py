"""The argon2 cost is the production one unless a test setting lowers it explicitly."""

import pytest

from engage.identity import passwords


@pytest.fixture
def restore_profile():
    yield
    passwords.use_profile("cheapest-for-tests-only")


def test_standard_profile_is_rfc_9106_low_memory(restore_profile):
    passwords.use_profile("standard")
    hashed = passwords.hash_password("une phrase de passe assez longue")
    assert "$m=65536,t=3,p=4$" in hashed
    assert passwords.verify_password(hashed, "une phrase de passe assez longue")


def test_hashes_made_under_another_profile_still_verify_and_are_upgraded(restore_profile):
    passwords.use_profile("cheapest-for-tests-only")
    cheap = passwords.hash_password("une phrase de passe assez longue")
    passwords.use_profile("standard")
    assert passwords.verify_password(cheap, "une phrase de passe assez longue")
    assert passwords.needs_rehash(cheap)


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="engage.password_hashing"):
        passwords.use_profile("fast")
