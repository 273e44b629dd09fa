"""Erasing a person erases their linked participatory-budget membership, for good.

On both back ends: the member's key is destroyed and PBMemberErased recorded in the same
save as PersonalDataErased; the read model shows the member as erased; neither the same
file nor another list with the same address brings the data back; rebuilds still work.
"""

from __future__ import annotations

from uuid import uuid4

import pytest

from engage.domain.members.model import member_id_for
from engage.projections.members import queries as member_queries
from engage.vault import KeyErased

STAFF = uuid4()
EMAIL = "adele.budget@exemple.fr"
LIST = f"email;arrondissement;nom\n{EMAIL};12;Adèle Budget\nautre@exemple.fr;3;Autre Membre\n".encode()


def import_(engage, data):
    return engage.app.import_membership_list(
        data, imported_by=STAFF, known_members=lambda ids: member_queries.existing_pb_members(engage.db, ids))


def test_erasing_a_person_erases_their_member_record_and_no_import_resurrects_it(engage_services):
    engage = engage_services
    app, vault = engage.app, engage.vault
    assert import_(engage, LIST).imported == 2
    member_id = member_id_for(EMAIL, app.identifier_key)
    person = app.register_account(name="Adèle Budget", email=EMAIL, display_name="Adèle").person_id
    app.link_pb_member(person, EMAIL)
    assert app.linked_member_id(person) == member_id
    sealed_identity = app.get_pb_member(member_id).sealed_identity
    assert vault.unseal(member_id, sealed_identity)["name"] == "Adèle Budget"

    engage.accounts.erase(person, requested_by=person)
    engage.engine.catch_up()
    member = app.get_pb_member(member_id)
    assert member.erased and not member.linked
    assert vault.unseal(member_id, sealed_identity) is None  # the key is gone
    assert vault.erased_among([member_id, member_id_for("autre@exemple.fr", app.identifier_key)]) == {member_id}
    [shown] = [m for m in member_queries.iter_pb_members(engage.db) if m.member_id == member_id.hex]
    assert shown.erased and shown.person_id is None
    assert member_queries.pb_members_erased(engage.db) == 1 and member_queries.pb_member_counts(engage.db) == (2, 0)

    # The same file: refused whole. Another list with the same address: skipped, no new key.
    head = engage.engine.head()
    assert import_(engage, LIST).already_imported and engage.engine.head() == head
    other_list = f"courriel;arrondissement;nom\n{EMAIL.upper()};12;Adèle Budget\nneuf@exemple.fr;5;Neuf\n".encode()
    report = import_(engage, other_list)
    assert report.imported == 1 and [p.line for p in report.already_present] == [2]
    # Even a caller that does not know the member (a lagging read model) adds nothing back.
    lagging = app.import_membership_list(
        f"email;arrondissement\n{EMAIL};12\nencore@exemple.fr;6\n".encode(), imported_by=STAFF)
    assert lagging.imported == 1 and len(lagging.already_present) == 1
    assert vault.unseal(member_id, sealed_identity) is None
    with pytest.raises(KeyErased):
        vault.seal(member_id, {"email": EMAIL})
    # A new account with the same address is not linked to the erased membership.
    again = app.register_account(name="Adèle Budget", email=EMAIL, display_name="Adèle, de retour").person_id
    assert app.link_pb_member(again, EMAIL) is None
    engage.engine.rebuild(["pb_members"])
    engage.engine.catch_up()
    [shown] = [m for m in member_queries.iter_pb_members(engage.db) if m.member_id == member_id.hex]
    assert shown.erased and shown.person_id is None
