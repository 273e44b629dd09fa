"""Participatory-budget members, imported from the membership list the City keeps.

A member's id is a keyed hash (HMAC with the identifier key) of the normalized email:
importing the same person twice collides in the event store, a re-import adds nothing,
and a resident who signs up with that address can be linked to their membership.
Name, email and membership date are sealed with the member's own key; only the
arrondissement is public (questionnaires target members by arrondissement).
"""

from __future__ import annotations

import csv
import hmac
import io
import re
from dataclasses import dataclass, field
from datetime import date
from hashlib import sha256
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from engage.domain.accounts.model import normalize_email
from engage.domain.members.errors import MemberAlreadyLinked, MemberErased
from engage.domain.publicity import event
from engage.domain.topics import keep_topics

MEMBER_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/pb-member")
IMPORT_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/membership-import")

EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]{2,}$")
# Column names a spreadsheet may use, normalized (lower case, no accents, no spaces).
COLUMNS = {
    "email": ("email", "e-mail", "courriel", "mail", "adresseelectronique", "adressemail"),
    "arrondissement": ("arrondissement", "arr", "arrdt"),
    "name": ("nom", "name", "nomprenom", "prenomnom", "nomcomplet"),
    "joined_on": ("datedadhesion", "dateadhesion", "membershipdate", "adhesion", "date"),
}
REQUIRED = ("email", "arrondissement")
COLUMN_LABELS = {"email": "email", "arrondissement": "arrondissement"}


def member_id_for(email: str, key: bytes) -> UUID:
    digest = hmac.new(key, normalize_email(email).encode(), sha256).hexdigest()
    return uuid5(MEMBER_NAMESPACE, digest)


def import_id_for(file_sha256: str) -> UUID:
    return uuid5(IMPORT_NAMESPACE, file_sha256)


class PBMember(Aggregate):
    public_id = False  # one person's: its id would link their acts
    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return member_id

    # No arrondissement: no published statistic needs a member's, and the log is forever.
    @event("PBMemberImported", public=("list_sha256",))
    def __init__(self, member_id: UUID, arrondissement: int, sealed_identity: str, list_sha256: str):
        # sealed_identity: email, name, membership date, sealed with the member's key (member_id).
        self.arrondissement = arrondissement
        self.sealed_identity = sealed_identity
        self.list_sha256 = list_sha256
        self.linked = False
        self.sealed_person: str | None = None
        self.erased = False

    def link(self, sealed_person: str) -> None:
        """sealed_person: the account's person id, sealed with the member's key, so the public
        log does not tell which account is a participatory-budget member."""
        if self.erased:
            raise MemberErased()
        if self.linked:
            raise MemberAlreadyLinked()
        self._linked(sealed_person=sealed_person)

    @event("PBMemberLinked")
    def _linked(self, sealed_person: str) -> None:
        self.linked = True
        self.sealed_person = sealed_person

    def erase(self, requested_by: UUID) -> None:
        """With the linked person's erasure: the caller then destroys the member's key, so
        the sealed identity (name, email, membership date) and the link become unreadable.
        The aggregate stays: its id (a keyed hash of the email) keeps refusing a re-import
        of the same person, so no later list can bring the data back."""
        if self.erased:
            raise MemberErased()
        self._erased(requested_by=requested_by)

    @event("PBMemberErased")
    def _erased(self, requested_by: UUID) -> None:
        self.erased = True
        self.linked = False


class MembershipImport(Aggregate):
    """One per file: its id derives from the file's SHA-256, so a file is imported once."""
    public_id = True  # a public object: its events show its id

    @staticmethod
    def create_id(file_sha256: str, **_: object) -> UUID:
        return import_id_for(file_sha256)

    @event("MembershipListImported",
           public=("file_sha256", "rows", "imported", "duplicates_in_file", "already_present"),
           commit=("imported_by",))
    def __init__(self, file_sha256: str, rows: int, imported: int, duplicates_in_file: int,
                 already_present: int, imported_by: UUID):
        self.file_sha256 = file_sha256
        self.rows = rows
        self.imported = imported
        self.duplicates_in_file = duplicates_in_file
        self.already_present = already_present
        self.imported_by = imported_by


# --------------------------------------------------------------------------- the CSV file

@dataclass(frozen=True)
class Problem:
    """One line of the report: a French msgid and its mapping (the view translates it)."""

    line: int
    message: str
    mapping: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MemberRow:
    line: int
    email: str
    arrondissement: int
    name: str
    joined_on: str


@dataclass
class ParsedList:
    file_sha256: str
    rows: list[MemberRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # any error: nothing is imported
    duplicates: list[Problem] = field(default_factory=list)  # skipped, reported
    row_count: int = 0


def _column_key(header: str) -> str:
    plain = header.strip().lower()
    for accented, bare in (("é", "e"), ("è", "e"), ("ê", "e"), ("à", "a"), ("ô", "o"), ("ç", "c")):
        plain = plain.replace(accented, bare)
    return re.sub(r"[^a-z-]", "", plain)


def parse_arrondissement(value: str) -> int | None:
    """'11', '11e', '1er', '75011', '75116' (the 16th's second postcode) → 11, 1, 16."""
    text = value.strip().lower().replace(" ", "")
    match = re.fullmatch(r"(\d{1,2})(?:e|er|eme|ème)?", text)
    if match:
        number = int(match.group(1))
    elif re.fullmatch(r"75\d{3}", text):
        number = 16 if text == "75116" else int(text[2:])
    else:
        return None
    return number if 1 <= number <= 20 else None


def parse_date(value: str) -> str | None:
    """ISO (2024-03-01) or French (01/03/2024) → ISO; None if not a date."""
    text = value.strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text) or None
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1))).isoformat()
    except ValueError:
        return None
    return None


def parse_membership_list(data: bytes) -> ParsedList:
    """Check the whole file: every problem, line by line, before anything is written."""
    parsed = ParsedList(file_sha256=sha256(data).hexdigest())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        parsed.errors.append(Problem(line, "Le fichier n'est pas encodé en UTF-8 (premier caractère illisible à la ligne ${line}). Enregistrez-le au format « CSV UTF-8 ».", {"line": line}))
        return parsed
    if not text.strip():
        parsed.errors.append(Problem(1, "Le fichier est vide."))
        return parsed
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error:
        parsed.errors.append(Problem(1, "La ligne d'en-tête est illisible."))
        return parsed
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _column_key(name)
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in positions:
                positions[column] = index
    for column in REQUIRED:
        if column not in positions:
            parsed.errors.append(Problem(1, "Colonne obligatoire absente de l'en-tête : « ${column} ».", {"column": column}))
    if parsed.errors:
        return parsed
    first_seen: dict[str, int] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue  # blank line
            parsed.row_count += 1
            row_problems = []

            def cell(column: str) -> str | None:
                index = positions.get(column)
                if index is None:
                    return ""
                return values[index].strip() if index < len(values) else None

            email, arrondissement_text = cell("email"), cell("arrondissement")
            name, joined_text = cell("name") or "", cell("joined_on") or ""
            if email is None or arrondissement_text is None:
                missing = "email" if email is None else "arrondissement"
                row_problems.append(Problem(line, "Ligne ${line} : la colonne « ${column} » manque.", {"line": line, "column": missing}))
            else:
                if not email:
                    row_problems.append(Problem(line, "Ligne ${line} : l'adresse électronique est vide.", {"line": line}))
                elif len(email) > 254 or not EMAIL.match(email):
                    row_problems.append(Problem(line, "Ligne ${line} : adresse électronique invalide « ${value} ».", {"line": line, "value": email[:80]}))
                arrondissement = parse_arrondissement(arrondissement_text)
                if arrondissement is None:
                    row_problems.append(Problem(line, "Ligne ${line} : arrondissement inconnu « ${value} » (attendu : 1 à 20).", {"line": line, "value": arrondissement_text[:20]}))
                joined_on = parse_date(joined_text) if joined_text else ""
                if joined_on is None:
                    row_problems.append(Problem(line, "Ligne ${line} : date d'adhésion invalide « ${value} » (attendu : AAAA-MM-JJ ou JJ/MM/AAAA).", {"line": line, "value": joined_text[:20]}))
                if len(name) > 120:
                    row_problems.append(Problem(line, "Ligne ${line} : le nom dépasse 120 caractères.", {"line": line}))
            if row_problems:
                parsed.errors.extend(row_problems)
                continue
            key = normalize_email(email)
            if key in first_seen:
                parsed.duplicates.append(Problem(line, "Ligne ${line} : doublon de la ligne ${first} (même adresse électronique), ignorée.", {"line": line, "first": first_seen[key]}))
                continue
            first_seen[key] = line
            parsed.rows.append(MemberRow(line, email, arrondissement, name, joined_on))
    except csv.Error:
        line = reader.line_num
        parsed.errors.append(Problem(line, "Ligne ${line} : ligne CSV mal formée (guillemet non fermé ?).", {"line": line}))
    if parsed.row_count == 0 and not parsed.errors:
        parsed.errors.append(Problem(1, "Le fichier ne contient aucun membre."))
    return parsed


# Msgids of the report, for the catalogue (build_catalog reads REPORT_MSGIDS).
REPORT_MSGIDS = (
    "Le fichier n'est pas encodé en UTF-8 (premier caractère illisible à la ligne ${line}). Enregistrez-le au format « CSV UTF-8 ».",
    "Le fichier est vide.",
    "La ligne d'en-tête est illisible.",
    "Colonne obligatoire absente de l'en-tête : « ${column} ».",
    "Ligne ${line} : la colonne « ${column} » manque.",
    "Ligne ${line} : l'adresse électronique est vide.",
    "Ligne ${line} : adresse électronique invalide « ${value} ».",
    "Ligne ${line} : arrondissement inconnu « ${value} » (attendu : 1 à 20).",
    "Ligne ${line} : date d'adhésion invalide « ${value} » (attendu : AAAA-MM-JJ ou JJ/MM/AAAA).",
    "Ligne ${line} : le nom dépasse 120 caractères.",
    "Ligne ${line} : doublon de la ligne ${first} (même adresse électronique), ignorée.",
    "Ligne ${line} : ligne CSV mal formée (guillemet non fermé ?).",
    "Le fichier ne contient aucun membre.",
    "Ligne ${line} : membre déjà importé, ignoré.",
)


keep_topics(__name__, stored_as="engage.domain.members")
