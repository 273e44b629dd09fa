"""The demo's accounts: staff, one per role, and a resident with a card (residents-card).

Their own module, so the demo's parts (demo_participation uses the demo resident) need not
import engage.scripts.demo, which imports them."""

# DEMO ONLY: these passwords are printed by engage-demo and published in the README.
DEMO_PASSWORD = "demonstration seulement 2026"
DEMO_STAFF = {
    "admin": ("admin@exemple.fr", "Équipe administration"),
    "moderator": ("moderation@exemple.fr", "Équipe modération"),
    "editor": ("edition@exemple.fr", "Équipe édition"),
    "auditor": ("audit@exemple.fr", "Équipe audit"),
}
DEMO_RESIDENT = ("resident@exemple.fr", "Camille Démo", "Camille du 11e")


def load_demo_people(engage) -> None:
    """Staff accounts (one per role) and a resident holding a card, all confirmed."""
    from engage.domain.accounts.model import Role

    def account(email, name, display_name):
        signed_up = engage.accounts.sign_up(name=name, email=email, display_name=display_name,
                                            password=DEMO_PASSWORD)
        engage.app.confirm_email(signed_up.person_id)
        return signed_up.person_id

    admin = None
    for role, (email, display_name) in DEMO_STAFF.items():
        person = account(email, display_name + " (démo)", display_name)
        admin = admin or person
        engage.app.grant_role(person, Role(role), granted_by=admin)
    email, name, display_name = DEMO_RESIDENT
    resident = account(email, name, display_name)
    engage.app.request_card(person_id=resident, arrondissement=11, age_band="25-34", category="4",
                            consent_to_consultation=True, consent_to_newsletter=False)
    engage.app.give_consent(resident, "newsletter")


def demo_accounts_text() -> str:
    lines = [f"demo accounts (DEMO ONLY, password for all: {DEMO_PASSWORD!r}):"]
    lines += [f"  {email:<24} {role}" for role, (email, _) in DEMO_STAFF.items()]
    from engage.scripts.demo_workshops import DEMO_FACILITATOR  # the workshops' demo facilitator

    lines.append(f"  {DEMO_FACILITATOR[1]:<24} facilitator (password: {DEMO_FACILITATOR[3]!r})")
    lines.append(f"  {DEMO_RESIDENT[0]:<24} resident with a card")
    return "\n".join(lines)
