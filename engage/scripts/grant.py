"""engage-grant <ini> <email> <role>: grant a staff role from the console.

How the first admin is made: sign up on the site, confirm the address, then

    engage-grant production.ini admin@paris.example admin

The grant is an ordinary RoleGranted event, recorded as granted by the person themself
(no admin exists yet to grant it). Later grants go through /admin/roles.
"""

from __future__ import annotations

import sys

from engage.domain.accounts.model import Role
from engage.domain.common import DomainError
from engage.scripts import load, usage


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    roles = ", ".join(r.value for r in Role)
    if len(argv) != 3:
        usage(f"usage: engage-grant <ini> <email> <role>   (roles: {roles})")
    ini, email, role = argv
    if role not in {r.value for r in Role}:
        usage(f"engage-grant: unknown role {role!r} (roles: {roles})")
    engage = load(ini)
    try:
        person_id = engage.app.find_person_by_email(email)
        if person_id is None:
            print(f"engage-grant: no account with the address {email}: sign up first", file=sys.stderr)
            raise SystemExit(1)
        try:
            engage.app.grant_role(person_id, Role(role), granted_by=person_id)
        except DomainError as error:
            print(f"engage-grant: {error.message}", file=sys.stderr)
            raise SystemExit(1)
        engage.sessions.end_all(person_id)  # as the roles page does: they sign in again
        engage.engine.catch_up()
        print(f"engage-grant: {email} is now {role}")
    finally:
        engage.close()
