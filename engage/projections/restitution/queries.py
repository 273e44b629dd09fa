"""Queries of the restitution: the report of a consultation, built from the counters of the
restitution read model (a few dozen indexed rows), its answers paged, its versions.

`report()` returns plain JSON values only (str, int, None, lists, dicts): the live page
renders it, and publishing hashes it as canonical JSON, so a published version is exactly
what the page showed. Small groups are suppressed here, before anything leaves: a bucket
with 1 to 4 participants shows neither its participants nor its contributions (None).
"""

from __future__ import annotations

from dataclasses import dataclass

from engage.db import Database
from engage.domain.common import AGE_BANDS, ARRONDISSEMENTS
from engage.domain.consultations.model import CHANNELS, IN_PERSON, ONLINE
from engage.domain.restitution.model import ANSWER_STATUSES
from engage.opendata.suppression import suppress_small

FORMAT = "engage-restitution/1"
PAGE_SIZE = 20
TOP_SUPPORTED = 10


def _row(participants: int, contributions: int, votes: int | None = None) -> dict:
    small_group = 0 < participants < 5
    row = {"participants": None if small_group else participants,
           "contributions": None if small_group else suppress_small(contributions)}
    if votes is not None:
        row["votes"] = suppress_small(votes)
    return row


def counters(db: Database, consultation_id: str) -> dict[tuple[str, str], dict[str, list[int]]]:
    """{(dimension, bucket): {channel: [participants, contributions, votes]}}: one indexed range."""
    found: dict[tuple[str, str], dict[str, list[int]]] = {}
    with db.reading() as cur:
        for dimension, bucket, channel, participants, contributions, votes in cur.execute(
                "SELECT dimension, bucket, channel, participants, contributions, votes FROM rm_restitution_counts"
                " WHERE consultation_id = %s", [consultation_id]).fetchall():
            found.setdefault((dimension, bucket), {})[channel] = [participants, contributions, votes]
    return found


def _summed(by_channel: dict[str, list[int]]) -> list[int]:
    return [sum(values[i] for values in by_channel.values()) for i in range(3)]


def statistics(db: Database, consultation_id: str, themes: list[tuple[str, str]]) -> dict:
    """Every table of the report, suppressed. themes: [(key, label)] in the consultation's order."""
    counts = counters(db, consultation_id)
    total = counts.get(("total", ""), {})
    by_channel = []
    for channel in CHANNELS:
        participants, contributions, votes = total.get(channel, [0, 0, 0])
        by_channel.append({"channel": channel, **_row(participants, contributions, votes)})
    summed = _summed(total) if total else [0, 0, 0]
    answered = {key[1]: _summed(value)[1] for key, value in counts.items() if key[0] == "answer"}

    def dimension(name: str, buckets: list[str], *, votes: bool = False, labels: dict | None = None) -> list[dict]:
        rows = []
        for bucket in buckets:
            values = counts.get((name, bucket))
            if not values:
                continue
            participants, contributions, vote_count = _summed(values)
            if not (participants or contributions or vote_count):
                continue
            row = {"bucket": bucket, **_row(participants, contributions, vote_count if votes else None)}
            if labels is not None:
                row["label"] = labels.get(bucket, bucket)
            rows.append(row)
        return rows

    weeks = sorted(bucket for dim, bucket in counts if dim == "week")
    return {
        "totals": {"participants_online": _row(total.get(ONLINE, [0, 0, 0])[0], 0)["participants"],
                   "participants_in_person": suppress_small(total.get(IN_PERSON, [0, 0, 0])[0]),
                   "contributions": summed[1], "votes": summed[2], "answered": sum(answered.values())},
        "by_channel": by_channel,
        "by_arrondissement": dimension("arrondissement", [str(n) for n in ARRONDISSEMENTS] + [""]),
        "by_age_band": dimension("age_band", list(AGE_BANDS) + [""]),
        "by_theme": dimension("theme", [key for key, _label in themes], votes=True, labels=dict(themes)),
        "by_week": dimension("week", weeks),
        "answers_by_status": [{"bucket": status, "contributions": answered.get(status, 0)}
                              for status in ANSWER_STATUSES],
    }


_ITEM = (
    "SELECT r.contribution_id, c.kind, r.theme, c.body, p.display_name, o.name, s.agree, s.votes, r.answer_status,"
    " r.answer_justification, r.answer_revision, r.answered_at, c.sheet, c.scan_sha256, r.channel"
    " FROM rm_restitution_items r JOIN rm_contributions c ON c.contribution_id = r.contribution_id"
    " JOIN rm_restitution_support s ON s.contribution_id = r.contribution_id"
    " LEFT JOIN rm_people p ON p.person_id = c.author_id"
    " LEFT JOIN rm_organizations o ON o.organization_id = c.organization_id"
)


def _provenance(r) -> dict:
    """Where an in-person contribution comes from: its numbered sheet and its scan's SHA-256."""
    return {"sheet": r[12], "scan_sha256": r[13]}


def _attribution(display_name: str | None, organization: str | None) -> str | None:
    """The organization's name when posted in its name, else the pseudonym: never more."""
    return organization or display_name


def most_supported(db: Database, consultation_id: str, limit: int = TOP_SUPPORTED) -> list[dict]:
    from engage.opendata.aggregates import published_agree

    with db.reading() as cur:
        # Walks the support index from the top (s.consultation_id, s.agree, s.position): a LIMIT.
        rows = cur.execute(_ITEM + " WHERE s.consultation_id = %s AND r.status = 'publiee' AND s.agree > 0"
                           " ORDER BY s.agree DESC, s.position DESC LIMIT %s", [consultation_id, limit]).fetchall()
        # The d'accord total as the item's vote table publishes it (the same cell everywhere).
        agree = published_agree(cur, {r[0]: r[6] for r in rows})
    return [{"contribution_id": r[0], "kind": r[1], "theme": r[2], "text": r[3],
             "attribution": _attribution(r[4], r[5]), "agree": agree[r[0]], "votes": suppress_small(r[7]),
             **_provenance(r)}
            for r in rows]


def quotes(db: Database, consultation_id: str) -> list[dict]:
    """The quotes in the order chosen; a hidden or withdrawn contribution drops out."""
    with db.reading() as cur:
        rows = cur.execute(_ITEM + " WHERE r.consultation_id = %s AND r.quoted_position IS NOT NULL"
                           " AND r.status = 'publiee' ORDER BY r.quoted_position LIMIT 50", [consultation_id]).fetchall()
    return [{"contribution_id": r[0], "kind": r[1], "theme": r[2], "text": r[3],
             "attribution": _attribution(r[4], r[5]), "in_person": r[14] == IN_PERSON, **_provenance(r)}
            for r in rows]


def _answer(r) -> dict:
    return {"contribution_id": r[0], "kind": r[1], "theme": r[2], "text": r[3], "status": r[8],
            "justification": r[9], "revision": r[10], "answered_at": r[11], **_provenance(r)}


def answers(db: Database, consultation_id: str, *, page: int = 1, size: int = PAGE_SIZE) -> tuple[list[dict], bool]:
    """Answered, published contributions, the most recently answered first."""
    with db.reading() as cur:
        rows = cur.execute(_ITEM + " WHERE r.consultation_id = %s AND r.answer_position IS NOT NULL"
                           " AND r.status = 'publiee' ORDER BY r.answer_position DESC LIMIT %s OFFSET %s",
                           [consultation_id, size + 1, (page - 1) * size]).fetchall()
    return [_answer(r) for r in rows[:size]], len(rows) > size


def all_answers(db: Database, consultation_id: str, batch: int = 500) -> list[dict]:
    """Every answer, for a published snapshot: read in keyset batches on the index."""
    found, after = [], None
    with db.reading() as cur:
        while True:
            rows = _answer_batch(cur, consultation_id, after, batch)
            found += [_answer(r) for r in rows]
            if len(rows) < batch:
                return found
            after = rows[-1][-1]


def _answer_batch(cur, consultation_id: str, after: int | None, batch: int) -> list[tuple]:
    sql = _ITEM.replace("r.channel", "r.channel, r.answer_position")
    sql += " WHERE r.consultation_id = %s AND r.answer_position IS NOT NULL AND r.status = 'publiee'"
    params: list = [consultation_id]
    if after is not None:
        sql += " AND r.answer_position < %s"
        params.append(after)
    return cur.execute(sql + " ORDER BY r.answer_position DESC LIMIT %s", params + [batch]).fetchall()


def report(db: Database, consultation, *, with_all_answers: bool = True) -> dict:
    """The whole public report of a consultation (answers included unless told)."""
    themes = list(consultation.theme_labels.items())
    return {
        "format": FORMAT,
        "consultation": {"consultation_id": consultation.consultation_id, "slug": consultation.slug,
                         "title": consultation.title},
        **statistics(db, consultation.consultation_id, themes),
        "most_supported": most_supported(db, consultation.consultation_id),
        "quotes": quotes(db, consultation.consultation_id),
        "answers": all_answers(db, consultation.consultation_id) if with_all_answers else [],
    }


# -- one contribution's answer, for its page and the list ------------------------------------


@dataclass(frozen=True)
class AnswerView:
    revision: int
    status: str
    justification: str
    answered_at: str


def answer_history_read(contribution_id: str) -> tuple[str, list]:
    """answer_history's statement, for a page that reads it with others (Database.read_together)."""
    return ("SELECT revision, status, justification, answered_at FROM rm_restitution_answers"
            " WHERE contribution_id = %s ORDER BY revision DESC LIMIT 100", [contribution_id])


def answer_views(rows) -> list[AnswerView]:
    return [AnswerView(*r) for r in rows]


def answer_history(db: Database, contribution_id: str) -> list[AnswerView]:
    """Every revision of the City's answer, the current one first."""
    with db.reading() as cur:
        return answer_views(cur.execute(*answer_history_read(contribution_id)).fetchall())


def answer_statuses(db: Database, contribution_ids: list[str]) -> dict[str, str]:
    """{contribution id: current answer status} for one page of a list (primary-key lookups)."""
    if not contribution_ids:
        return {}
    marks = ", ".join(["%s"] * len(contribution_ids))
    with db.reading() as cur:
        return dict(cur.execute(f"SELECT contribution_id, answer_status FROM rm_restitution_items"
                                f" WHERE contribution_id IN ({marks}) AND answer_status IS NOT NULL",
                                list(contribution_ids)).fetchall())


def is_quoted_read(contribution_id: str) -> tuple[str, list]:
    return "SELECT quoted_position FROM rm_restitution_items WHERE contribution_id = %s", [contribution_id]


def quoted(rows) -> bool:
    return bool(rows) and rows[0][0] is not None


def is_quoted(db: Database, contribution_id: str) -> bool:
    with db.reading() as cur:
        return quoted(cur.execute(*is_quoted_read(contribution_id)).fetchall())


# -- published versions ----------------------------------------------------------------------


@dataclass(frozen=True)
class VersionView:
    number: int
    snapshot_sha256: str
    snapshot: str | None  # None once its key is shredded
    answered: int
    contributions: int
    published_at: str


def versions(db: Database, consultation_id: str, limit: int = 200) -> list[VersionView]:
    """Newest first, without their snapshots."""
    with db.reading() as cur:
        rows = cur.execute("SELECT number, snapshot_sha256, NULL, answered, contributions, published_at"
                           " FROM rm_restitution_versions WHERE consultation_id = %s ORDER BY number DESC LIMIT %s",
                           [consultation_id, limit]).fetchall()
    return [VersionView(*r) for r in rows]


def version(db: Database, consultation_id: str, number: int) -> VersionView | None:
    with db.reading() as cur:
        row = cur.execute("SELECT number, snapshot_sha256, snapshot, answered, contributions, published_at"
                          " FROM rm_restitution_versions WHERE consultation_id = %s AND number = %s",
                          [consultation_id, number]).fetchone()
    return VersionView(*row) if row else None


def latest_version(db: Database, consultation_id: str) -> VersionView | None:
    found = versions(db, consultation_id, limit=1)
    return found[0] if found else None


