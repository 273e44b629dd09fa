"""The Charte parisienne de la participation, the commitment's milestones and the participation guide.

- Milestone: one step of the Open Government commitment, with planned and actual dates,
  an OGP completion level and deliverables (links to published artefacts).
- Charter: articles, each an append-only list of versions; published versions of the whole
  charter (SHA-256 of the canonical text); the drafting phase; the council's adoption (frozen).
- Amendment: a resident's proposed new text for one version of one article; accepted or rejected
  by an editor with a reason.
- Ballot: one person's vote on one amendment. Its id is a keyed hash (HMAC) of the pair, so the
  event store refuses a second ballot, and its events carry no voter id: ballots are never public.
- GuidePage: a versioned editorial page of the participation guide, in Markdown.
"""

from __future__ import annotations

import hmac
from hashlib import sha256
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from engage.domain.charter.errors import (
    AlreadyLinked,
    AmendmentAlreadyDecided,
    AmendmentOutdated,
    CharterFrozen,
    CharterNotLinked,
    ContributionNotCitable,
    DatesOutOfOrder,
    DraftingNotOpen,
    EmptyText,
    InvalidChoice,
    InvalidDate,
    InvalidDeliberation,
    InvalidDeliverableUrl,
    InvalidLevel,
    InvalidSlug,
    NoBallot,
    NothingChanged,
    NothingPublished,
    ReasonRequired,
    TextTooLong,
    TooManyCitations,
    UnknownArticle,
    UnknownContribution,
    UnknownVersion,
)
from engage.domain.consultations.model import PHASES
from engage.domain.publicity import event
from engage.domain.topics import keep_topics

NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/charter")
CHARTER_ID = uuid5(NAMESPACE, "charte-parisienne-de-la-participation")

LEVELS = ("not_started", "limited", "substantial", "complete")  # OGP completion levels
CHOICES = ("agree", "mixed", "disagree")  # d'accord, mitigé, pas d'accord
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
# Residents amend the charter, and vote on amendments, only while its consultation is in this phase.
DRAFTING_PHASE = "redaction"
assert DRAFTING_PHASE in PHASES
MAX_CITED = 20  # contributions cited by one article version
# An article's text, and so an amendment's (the article's proposed new text): no longer than this.
ARTICLE_TEXT_LIMIT = 20_000


# --------------------------------------------------------------------------- errors


# --------------------------------------------------------------------------- helpers


def clean_text(text: str, *, limit: int = ARTICLE_TEXT_LIMIT) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise EmptyText()
    if len(text) > limit:
        raise TextTooLong()
    return text


def check_date(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise InvalidDate() from None


def digest(text: str) -> str:
    return sha256(text.encode("utf-8")).hexdigest()


def canonical_charter_text(title: str, articles: list[tuple[int, str, str]]) -> str:
    """The text whose SHA-256 is recorded: title, then 'Article N – title' and text, LF line ends."""
    parts = [title.strip()]
    for number, heading, text in sorted(articles):
        parts.append(f"Article {number} – {heading.strip()}\n\n{text.strip()}")
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------- milestones


class Milestone(Aggregate):
    public_id = True  # a public object: its events show its id
    @staticmethod
    def create_id(step: int) -> UUID:
        return milestone_id(step)

    @event("MilestonePlanned", public=("step", "title", "description", "planned_start", "planned_end"))
    def __init__(self, step: int, title: str, description: str, planned_start: str, planned_end: str):
        self.step = step
        self.title = title
        self.description = description
        self.planned_start = planned_start
        self.planned_end = planned_end
        self.level = "not_started"
        self.actual_start: str | None = None
        self.actual_end: str | None = None
        self.deliverables: list[tuple[str, str]] = []

    @classmethod
    def plan(cls, *, step: int, title: str, description: str, planned_start: str, planned_end: str) -> "Milestone":
        return cls(step=step, title=clean_text(title, limit=300), description=(description or "").strip(),
                   planned_start=check_date(planned_start) or "", planned_end=check_date(planned_end) or "")

    def record_progress(self, *, level: str, actual_start: str | None, actual_end: str | None, note: str) -> None:
        if level not in LEVELS:
            raise InvalidLevel()
        start, end = check_date(actual_start), check_date(actual_end)
        if start and end and end < start:
            raise DatesOutOfOrder()
        self._progress_recorded(level=level, actual_start=start, actual_end=end, note=(note or "").strip()[:2000])

    @event("MilestoneProgressRecorded", public=("level", "actual_start", "actual_end", "note"))
    def _progress_recorded(self, level: str, actual_start: str | None, actual_end: str | None, note: str) -> None:
        self.level, self.actual_start, self.actual_end = level, actual_start, actual_end

    def link_deliverable(self, *, title: str, url: str) -> None:
        title = clean_text(title, limit=200)
        url = (url or "").strip()
        if not ((url.startswith("/") and not url.startswith("//")) or url.startswith("https://")) or len(url) > 500:
            raise InvalidDeliverableUrl()
        self._deliverable_linked(title=title, url=url)

    @event("DeliverableLinked", public=("title", "url"))
    def _deliverable_linked(self, title: str, url: str) -> None:
        self.deliverables.append((title, url))


def milestone_id(step: int) -> UUID:
    return uuid5(NAMESPACE, f"milestone:{int(step)}")


# --------------------------------------------------------------------------- charter


class Charter(Aggregate):
    public_id = True  # a public object: its events show its id
    @staticmethod
    def create_id() -> UUID:
        return CHARTER_ID

    @event("CharterStarted", public=("title",))
    def __init__(self, title: str):
        self.title = title
        self.articles: dict[str, dict[str, Any]] = {}  # article id -> number, title, versions
        self.drafting_open = False  # legacy flag of CharterDraftingOpened/Closed: no longer decides anything
        self.consultation_id: UUID | None = None
        self.published: list[dict[str, Any]] = []
        self.adoption: dict[str, Any] | None = None

    # ---- reading
    def article(self, article_id: str) -> dict[str, Any]:
        try:
            return self.articles[str(article_id)]
        except KeyError:
            raise UnknownArticle() from None

    def current_version(self, article_id: str) -> int:
        return len(self.article(article_id)["versions"])

    def canonical_text(self) -> str:
        return canonical_charter_text(
            self.title, [(a["number"], a["title"], a["versions"][-1]) for a in self.articles.values()]
        )

    def _check_not_frozen(self) -> None:
        if self.adoption is not None:
            raise CharterFrozen()

    # ---- drafting by editors
    def add_article(self, *, article_id: str, title: str, text: str) -> None:
        self._check_not_frozen()
        number = len(self.articles) + 1
        self._article_added(article_id=str(article_id), number=number,
                            title=clean_text(title, limit=200), text=clean_text(text))

    @event("ArticleAdded", public=("article_id", "number", "title", "text"))
    def _article_added(self, article_id: str, number: int, title: str, text: str) -> None:
        self.articles[article_id] = {"number": number, "title": title, "versions": [text]}

    def revise_article(self, *, article_id: str, text: str, base_version: int,
                       amendment_id: str | None = None, reason: str = "",
                       contributions: tuple[str, ...] | list[str] = ()) -> int:
        """A new version of the article; refused if it was written against an older version.

        `contributions`: ids (hex) of the consultation contributions that shaped it, already
        checked with `check_citable`; recorded as ContributionsCited right after the revision."""
        self._check_not_frozen()
        current = self.current_version(article_id)
        if base_version != current:
            raise AmendmentOutdated(base_version, current)
        text = clean_text(text)
        if text == self.article(article_id)["versions"][-1]:
            raise NothingChanged()
        cited = list(dict.fromkeys(str(c) for c in contributions))
        if cited and self.consultation_id is None:
            raise CharterNotLinked()
        if len(cited) > MAX_CITED:
            raise TooManyCitations()
        self._article_revised(article_id=str(article_id), version=current + 1, text=text,
                              amendment_id=amendment_id, reason=(reason or "").strip()[:2000])
        if cited:
            self._contributions_cited(article_id=str(article_id), version=current + 1, contribution_ids=cited)
        return current + 1

    @event("ContributionsCited", public=("article_id", "version", "contribution_ids"))
    def _contributions_cited(self, article_id: str, version: int, contribution_ids: list[str]) -> None:
        """Provenance: the consultation contributions that shaped this version of the article."""

    @event("ArticleRevised", public=("article_id", "version", "text", "amendment_id", "reason"))
    def _article_revised(self, article_id: str, version: int, text: str, amendment_id: str | None, reason: str) -> None:
        self.articles[article_id]["versions"].append(text)

    # ---- the drafting phase is the phase of the charter's consultation
    def link_consultation(self, consultation_id: UUID) -> None:
        """The consultation whose "redaction" phase opens amendments and votes (and whose
        contributions article versions cite). May be changed until the charter is adopted."""
        self._check_not_frozen()
        if self.consultation_id == consultation_id:
            raise AlreadyLinked()
        self._linked(consultation_id=consultation_id)

    @event("CharterLinkedToConsultation", public=("consultation_id",))
    def _linked(self, consultation_id: UUID) -> None:
        self.consultation_id = consultation_id

    def check_drafting_open(self, consultation_phase: str | None) -> None:
        """Residents may amend and vote only while the linked consultation is in its drafting phase."""
        self._check_not_frozen()
        if self.consultation_id is None:
            raise CharterNotLinked()
        if not amendments_open(adopted=False, consultation_phase=consultation_phase):
            raise DraftingNotOpen()

    # Events of the first model, where the charter had its own drafting flag. Events are forever:
    # their classes stay so old logs replay; nothing records them any more and the flag decides nothing.
    @event("CharterDraftingOpened")
    def _drafting_opened(self) -> None:
        self.drafting_open = True

    @event("CharterDraftingClosed")
    def _drafting_closed(self) -> None:
        self.drafting_open = False

    def publish_version(self, note: str = "") -> int:
        """An immutable version: the article versions it is made of and the SHA-256 of its text."""
        self._check_not_frozen()
        if not self.articles:
            raise NothingPublished()
        return self._publish(note)

    def _publish(self, note: str) -> int:
        number = len(self.published) + 1
        articles = {aid: len(a["versions"]) for aid, a in self.articles.items()}
        self._version_published(version=number, sha256=digest(self.canonical_text()),
                                articles=articles, note=(note or "").strip()[:500])
        return number

    @event("CharterVersionPublished", public=("version", "sha256", "articles", "note"))
    def _version_published(self, version: int, sha256: str, articles: dict, note: str) -> None:
        self.published.append({"version": version, "sha256": sha256, "articles": dict(articles)})

    # ---- adoption by the Conseil de Paris
    def adopt(self, deliberation: dict[str, Any]) -> int:
        self._check_not_frozen()
        if not self.articles:
            raise NothingPublished()
        deliberation = check_deliberation(deliberation)
        version = self._publish("Texte adopté par le Conseil de Paris")
        self._adopted(deliberation=deliberation, version=version, sha256=digest(self.canonical_text()))
        return version

    @event("CharterAdopted", public=("deliberation", "version", "sha256"))
    def _adopted(self, deliberation: dict, version: int, sha256: str) -> None:
        self.adoption = {"deliberation": dict(deliberation), "version": version, "sha256": sha256}
        self.drafting_open = False


def amendments_open(*, adopted: bool, consultation_phase: str | None) -> bool:
    """The rule, in one place (the domain and the pages both ask it): residents propose amendments
    and vote on them only while the charter is not adopted and its consultation is in "redaction"."""
    return not adopted and consultation_phase == DRAFTING_PHASE


def check_citable(charter: Charter, contribution: Any, ref: str) -> str:
    """A contribution an article version may cite: of the charter's consultation, neither hidden
    nor withdrawn. `contribution` is the Contribution aggregate, or None when no such id exists."""
    if charter.consultation_id is None:
        raise CharterNotLinked()
    if contribution is None or getattr(contribution, "consultation_id", None) != charter.consultation_id:
        raise UnknownContribution(ref)
    if contribution.withdrawn or contribution.hidden:
        raise ContributionNotCitable(ref)
    return contribution.id.hex


SCDL_REQUIRED = {
    "COLL_NOM": "le nom de la collectivité",
    "COLL_SIRET": "le SIRET de la collectivité (14 chiffres)",
    "DELIB_ID": "l'identifiant de la délibération",
    "DELIB_DATE": "la date de la délibération",
    "DELIB_MATIERE_NOM": "le nom de la matière",
    "DELIB_OBJET": "l'objet de la délibération",
}
SCDL_FIELDS = ("COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_DATE", "DELIB_MATIERE_CODE", "DELIB_MATIERE_NOM",
               "DELIB_OBJET", "BUDGET_ANNEE", "BUDGET_NOM", "PREF_ID", "PREF_DATE", "VOTE_EFFECTIF",
               "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION", "DELIB_URL")
VOTE_FIELDS = ("VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION")


def check_deliberation(data: dict[str, Any]) -> dict[str, Any]:
    """The SCDL « délibérations » fields (schema.data.gouv.fr/scdl/deliberations, 2.1: COLL_NOM, COLL_SIRET,
    DELIB_ID, DELIB_DATE, DELIB_MATIERE_NOM and DELIB_OBJET required), plus votes per political group."""
    out: dict[str, Any] = {}
    for name in SCDL_FIELDS:
        value = data.get(name)
        out[name] = "" if value is None else str(value).strip()
    for name, label in SCDL_REQUIRED.items():
        if not out[name]:
            raise InvalidDeliberation(label)
    if not (out["COLL_SIRET"].isdigit() and len(out["COLL_SIRET"]) == 14):
        raise InvalidDeliberation(SCDL_REQUIRED["COLL_SIRET"])
    for name in ("DELIB_DATE", "PREF_DATE"):
        if out[name]:
            out[name] = check_date(out[name])
    for name in VOTE_FIELDS + ("BUDGET_ANNEE",):
        if out[name]:
            if not out[name].isdigit():
                raise InvalidDeliberation(f"{name} doit être un nombre entier positif")
            out[name] = int(out[name])
        else:
            out[name] = None
    counted = [out[n] for n in ("VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION")]
    if out["VOTE_REEL"] is not None and None not in counted and sum(counted) > out["VOTE_REEL"]:
        raise InvalidDeliberation("les votes pour, contre et abstentions dépassent le nombre de votants (VOTE_REEL)")
    if out["DELIB_URL"] and not out["DELIB_URL"].startswith("https://"):
        raise InvalidDeliberation("DELIB_URL doit commencer par https://")
    groups = []
    for group in data.get("groups") or []:
        name = str(group.get("name", "")).strip()
        if not name:
            continue
        counts = {}
        for key in ("pour", "contre", "abstention"):
            value = str(group.get(key, "") or "0").strip()
            if not value.isdigit():
                raise InvalidDeliberation(f"les votes du groupe {name} doivent être des nombres")
            counts[key] = int(value)
        groups.append({"name": name[:120], **counts})
    out["groups"] = groups
    out["illustrative"] = bool(data.get("illustrative"))
    return out


# --------------------------------------------------------------------------- amendments and ballots


class Amendment(Aggregate):
    public_id = True  # a public object: its events show its id
    # The rationale is a resident's free text about why (often about themselves): pages show
    # it, the log does not (docs/PRIVACY.md). The text is what the ballots decide: public.
    @event("AmendmentProposed",
           public=("article_id", "base_version", "text"),
           commit=("author_id",))
    def __init__(self, article_id: str, base_version: int, text: str, rationale: str, author_id: UUID):
        # author_id: the leaf shows a commitment, never the person.
        self.article_id = article_id
        self.base_version = base_version
        self.text = text
        self.rationale = rationale
        self.author_id = author_id
        self.status = PENDING

    @classmethod
    def propose(cls, charter: Charter, *, article_id: str, base_version: int, text: str,
                rationale: str, author_id: UUID, consultation_phase: str | None) -> "Amendment":
        charter.check_drafting_open(consultation_phase)
        article = charter.article(article_id)
        if not 1 <= base_version <= len(article["versions"]):
            raise UnknownVersion()
        text = clean_text(text, limit=ARTICLE_TEXT_LIMIT)  # no longer than the article may be
        if text == article["versions"][base_version - 1]:
            raise NothingChanged()
        return cls(article_id=str(article_id), base_version=base_version, text=text,
                   rationale=clean_text(rationale, limit=4000), author_id=author_id)

    def _check_pending(self) -> None:
        if self.status != PENDING:
            raise AmendmentAlreadyDecided()

    def accept(self, charter: Charter, reason: str, contributions: tuple[str, ...] | list[str] = ()) -> int:
        """The article's new version; the charter refuses it if the amendment is outdated."""
        self._check_pending()
        reason = (reason or "").strip()
        if not reason:
            raise ReasonRequired()
        version = charter.revise_article(article_id=self.article_id, text=self.text, base_version=self.base_version,
                                         amendment_id=self.id.hex, reason=reason, contributions=contributions)
        self._accepted(reason=reason[:2000], article_version=version)
        return version

    @event("AmendmentAccepted", public=("reason", "article_version"))
    def _accepted(self, reason: str, article_version: int) -> None:
        self.status = ACCEPTED

    def reject(self, reason: str) -> None:
        self._check_pending()
        reason = (reason or "").strip()
        if not reason:
            raise ReasonRequired()
        self._rejected(reason=reason[:2000])

    @event("AmendmentRejected", public=("reason",))
    def _rejected(self, reason: str) -> None:
        self.status = REJECTED


class Ballot(Aggregate):
    """One person's vote on one amendment. No voter id in any of its events."""
    public_id = True  # a public object: its events show its id

    @staticmethod
    def create_id(ballot_id: UUID) -> UUID:
        return ballot_id

    @event("AmendmentBallotCast", public=("amendment_id", "choice"), commit=("sealed_voter",))
    def __init__(self, ballot_id: UUID, amendment_id: UUID, choice: str, sealed_voter: str | None = None):
        # sealed_voter: for the voter's own history only (see attribution.py); optional.
        self.amendment_id = amendment_id
        self.choice: str | None = choice

    def change(self, choice: str) -> None:
        if choice not in CHOICES:
            raise InvalidChoice()
        if choice != self.choice:
            self._changed(choice=choice)

    @event("AmendmentBallotChanged", public=("choice",))
    def _changed(self, choice: str) -> None:
        self.choice = choice

    def withdraw(self) -> None:
        if self.choice is None:
            raise NoBallot()
        self._withdrawn()

    @event("AmendmentBallotWithdrawn")
    def _withdrawn(self) -> None:
        self.choice = None


def ballot_id(person_id: UUID, amendment_id: UUID, key: bytes) -> UUID:
    """Keyed: without the key, nobody can tell whose ballot an id is."""
    mac = hmac.new(key, f"amendment-ballot:{person_id.hex}:{amendment_id.hex}".encode(), sha256).hexdigest()
    return uuid5(NAMESPACE, mac)


# --------------------------------------------------------------------------- guide


SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


class GuidePage(Aggregate):
    public_id = True  # a public object: its events show its id
    @staticmethod
    def create_id(slug: str) -> UUID:
        return guide_page_id(slug)

    @event("GuidePageCreated", public=("slug",))
    def __init__(self, slug: str):
        self.slug = slug
        self.versions: list[str] = []  # sha256 of each published version

    def publish(self, *, title: str, body: str) -> int:
        title = clean_text(title, limit=200)
        body = clean_text(body, limit=100_000)
        self._published(slug=self.slug, version=len(self.versions) + 1, title=title, body=body,
                        sha256=digest(title + "\n\n" + body))
        return len(self.versions)

    @event("GuidePageVersionPublished", public=("slug", "version", "title", "body", "sha256"))
    def _published(self, slug: str, version: int, title: str, body: str, sha256: str) -> None:
        self.versions.append(sha256)


def check_slug(slug: str) -> str:
    slug = (slug or "").strip()
    if not (1 <= len(slug) <= 80) or not set(slug) <= SLUG_CHARS or slug.startswith("-"):
        raise InvalidSlug()
    return slug


def guide_page_id(slug: str) -> UUID:
    return uuid5(NAMESPACE, f"guide:{slug}")


keep_topics(__name__, stored_as="engage.domain.charter")
