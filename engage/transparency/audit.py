"""The auditor: verify an engage site's transparency log from its public endpoints alone.

Each run:
1. trusts a key: the one pinned with --key, else the one saved on a previous run, else
   the one the site publishes (trust on first use); a change of key is reported;
2. verifies the latest checkpoint's signature with that key;
3. proves that checkpoint extends the one saved on the previous run (RFC 9162
   consistency proof): a log that rewrote, dropped or forked its history is reported;
4. downloads the entries it does not have yet (resuming where it stopped), recomputes
   the root from them and compares it with the signed one; checks that every entry is
   canonical JSON with increasing positions;
5. asks the site for inclusion proofs of its first and last entries: both must lead to
   the signed root, else the site's stored tree was altered after signing;
6. replays the public entries to rebuild each published figure (`tallies.TALLIES`) and
   compares it with what the site publishes;
7. at the accredited level only (an openings file and the auditor's key), checks every
   opening against its leaf and the rules that need linkage (`accredited`).

Nothing but the standard library's HTTP client: `Fetch` is any function from a path to
the body's bytes, so the tests can also audit a WSGI app in memory.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from tqdm import tqdm

from engage.transparency import merkle
from engage.transparency.accredited import check_openings_file
from engage.transparency.canonical import canonical_json
from engage.transparency.note import Checkpoint, NoteError, Verifier, split_note
from engage.transparency.tallies import TALLIES, Tally

PAGE = 1000  # the largest range /transparency/entries serves

Fetch = Callable[[str], bytes]


class FetchError(Exception):
    def __init__(self, path: str, status: int | None, detail: str):
        super().__init__(f"{path}: " + (f"HTTP {status} " if status else "") + detail)
        self.path = path
        self.status = status


def http_fetcher(base_url: str, *, timeout: float = 30.0) -> Fetch:
    base = base_url.rstrip("/")

    def fetch(path: str) -> bytes:
        request = urllib.request.Request(base + path, headers={"User-Agent": "engage-audit"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            raise FetchError(
                path, error.code, error.read()[:300].decode(errors="replace")
            ) from None
        except (urllib.error.URLError, OSError) as error:
            raise FetchError(path, None, str(getattr(error, "reason", error))) from None

    return fetch


def default_state_dir(base_url: str) -> Path:
    parts = urlsplit(base_url)
    site = re.sub(r"[^A-Za-z0-9.-]+", "_", (parts.netloc + parts.path).strip("/")) or "site"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "engage-audit" / site


class AuditState:
    """What the auditor remembers of a site between runs, in a directory of its own."""

    def __init__(self, directory: Path | str):
        self.directory = Path(directory)

    def read(self, name: str) -> str | None:
        path = self.directory / name
        return path.read_text() if path.exists() else None

    def write(self, name: str, text: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.directory / f".{name}.tmp"
        temporary.write_text(text)
        temporary.replace(self.directory / name)  # atomic: never half a checkpoint

    @property
    def _entries_path(self) -> Path:
        return self.directory / "entries"

    def entries(self) -> list[bytes]:
        """The downloaded entries, a base64 line each; a line cut short is dropped."""
        if not self._entries_path.exists():
            return []
        text = self._entries_path.read_text()
        complete = text[: text.rfind("\n") + 1]
        if complete != text:
            self._entries_path.write_text(complete)
        return [base64.b64decode(line) for line in complete.splitlines()]

    def append_entries(self, entries: list[bytes]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._entries_path.open("a") as handle:
            handle.writelines(base64.b64encode(data).decode() + "\n" for data in entries)

    def keep_entries(self, count: int) -> None:
        kept = self.entries()[:count]
        self._entries_path.write_text(
            "".join(base64.b64encode(data).decode() + "\n" for data in kept)
        )


@dataclass
class Report:
    findings: list[tuple[bool, str]] = field(default_factory=list)

    def ok(self, message: str) -> None:
        self.findings.append((True, message))

    def problem(self, message: str) -> None:
        self.findings.append((False, message))

    @property
    def passed(self) -> bool:
        return bool(self.findings) and all(ok for ok, _ in self.findings)

    @property
    def problems(self) -> list[str]:
        return [message for ok, message in self.findings if not ok]

    def render(self) -> str:
        lines = [f"  {'ok  ' if ok else 'FAIL'}  {message}" for ok, message in self.findings]
        problems = len(self.problems)
        lines.append(
            f"result: OK, {len(self.findings)} checks passed"
            if self.passed
            else f"result: FAILED, {problems} problem{'s' if problems != 1 else ''} found"
        )
        return "\n".join(lines)


class _Stop(Exception):
    """Nothing further can be verified."""


def audit(
    fetch: Fetch,
    state: AuditState,
    *,
    pinned_key: str | None = None,
    tallies: dict[str, Tally] = TALLIES,
    progress: bool = False,
    accredited: tuple[bytes, Any] | None = None,
) -> Report:
    """`accredited`: (the openings file's bytes, the auditor's X25519 private key)."""
    report = Report()
    auditor = _Auditor(fetch, state, report, progress)
    try:
        auditor.run(pinned_key, tallies, accredited)
    except FetchError as error:
        report.problem(f"could not fetch {error}")
    except _Stop:
        pass
    return report


class _Auditor:
    def __init__(self, fetch: Fetch, state: AuditState, report: Report, progress: bool):
        self.fetch, self.state, self.report, self.progress = fetch, state, report, progress

    def run(self, pinned_key: str | None, tallies: dict[str, Tally],
            accredited: tuple[bytes, Any] | None = None) -> None:
        verifier = self.trusted_key(pinned_key)
        note, checkpoint = self.signed_checkpoint(verifier)
        previous = self.previous_checkpoint()
        consistent = self.extends_previous(previous, checkpoint, note)
        entries = self.download(checkpoint.size)
        root_ok = self.check_root(entries, checkpoint, previous)
        public = self.check_entries(entries)
        if not root_ok:
            self.report.problem(
                "published figures not compared: the entries served are not the signed ones"
            )
            return
        if consistent:
            self.state.write("checkpoint", note)  # what the next run must find extended
        self.check_site_tree(entries, checkpoint)
        self.check_tallies(entries, public, tallies)
        if accredited is not None:
            data, private_key = accredited
            check_openings_file(data, private_key, entries, checkpoint.origin, self.report,
                                more=self._fetch_entries, document=self._document)

    # -- the key, the checkpoint ---------------------------------------------------

    def trusted_key(self, pinned: str | None) -> Verifier:
        published = self.fetch("/transparency/key").decode().strip()
        saved = (self.state.read("key") or "").strip() or None
        trusted = pinned.strip() if pinned else saved or published
        try:
            verifier = Verifier.parse(trusted)
        except NoteError as error:
            self.report.problem(f"the key to trust is not a verifier key: {error}")
            raise _Stop() from None
        if pinned and saved and pinned.strip() != saved:
            self.report.problem(
                f"the pinned key differs from the key trusted on previous runs ({saved})"
            )
        if published != trusted:
            self.report.problem(
                f"the site publishes a different key ({published})"
                f" from the trusted one ({trusted}):"
                " a log that changes its key can rewrite its history; ask the site why"
            )
        source = (
            "pinned"
            if pinned
            else "trusted since a previous run" if saved else "trusted on first use"
        )
        self.report.ok(f"key {trusted} ({source})")
        if not saved:
            self.state.write("key", trusted + "\n")
        return verifier

    def signed_checkpoint(self, verifier: Verifier) -> tuple[str, Checkpoint]:
        note = self.fetch("/transparency/checkpoint").decode()
        try:
            checkpoint = Checkpoint.parse(verifier.verify(note))
        except NoteError as error:
            self.report.problem(
                f"the latest checkpoint does not verify with the trusted key: {error}"
            )
            raise _Stop() from None
        if checkpoint.origin != verifier.name:
            self.report.problem(
                f"the checkpoint is for log {checkpoint.origin!r}, the key for {verifier.name!r}"
            )
            raise _Stop()
        self.report.ok(
            f"checkpoint signed: {checkpoint.size} entries, root {_b64(checkpoint.root)}"
        )
        return note, checkpoint

    def previous_checkpoint(self) -> Checkpoint | None:
        note = self.state.read("checkpoint")
        return Checkpoint.parse(split_note(note)[0]) if note else None

    def extends_previous(
        self, previous: Checkpoint | None, checkpoint: Checkpoint, note: str
    ) -> bool:
        if previous is None:
            self.report.ok(
                "first run on this site: the checkpoint is saved for the next run to compare"
            )
            return True
        if previous.origin != checkpoint.origin:
            self.report.problem(f"the log is now {checkpoint.origin!r}, it was {previous.origin!r}")
            return False
        if checkpoint.size < previous.size:
            self.report.problem(
                f"the log shrank: {checkpoint.size} entries now, {previous.size} signed before;"
                " entries were removed" + self._kept_as_evidence(checkpoint, note)
            )
            return False
        if checkpoint.size == previous.size:
            if checkpoint.root == previous.root:
                self.report.ok(f"same checkpoint as on the previous run ({previous.size} entries)")
                return True
            self.report.problem(
                f"fork: two signed checkpoints of {checkpoint.size} entries with different roots;"
                " the log rewrote its history" + self._kept_as_evidence(checkpoint, note)
            )
            return False
        proof = self._hashes(
            f"/transparency/proof/consistency?old={previous.size}&new={checkpoint.size}"
        )
        if merkle.verify_consistency(
            previous.size, checkpoint.size, previous.root, checkpoint.root, proof
        ):
            self.report.ok(
                f"extends the checkpoint of the previous run ({previous.size} entries):"
                " nothing rewritten"
            )
            return True
        self.report.problem(
            f"history rewritten: the checkpoint of {checkpoint.size} entries does not extend"
            f" the one of {previous.size} entries saved on the previous run"
            + self._kept_as_evidence(checkpoint, note)
        )
        return False

    def _kept_as_evidence(self, checkpoint: Checkpoint, note: str) -> str:
        # Two signed notes that contradict each other prove the log misbehaved: the old one
        # stays in "checkpoint", the new one is kept beside it.
        name = f"evidence-{checkpoint.size}-{checkpoint.root.hex()[:16]}.note"
        self.state.write(name, note)
        return f" (both signed checkpoints kept in {self.state.directory})"

    # -- the entries -----------------------------------------------------------------

    def download(self, size: int) -> list[bytes]:
        entries = self.state.entries()
        if len(entries) < size:
            entries += self._fetch_entries(len(entries), size)
        if len(entries) < size:
            self.report.problem(
                f"the site serves only {len(entries)} of the {size} entries it signed"
            )
            raise _Stop()
        return entries

    def _fetch_entries(self, start: int, stop: int | None) -> list[bytes]:
        """Entries from `start` to `stop` (None: to the end of the log), saved as they arrive."""
        fetched: list[bytes] = []
        with tqdm(
            total=None if stop is None else stop - start,
            unit="entry",
            desc="entries",
            disable=not self.progress,
            file=sys.stderr,
        ) as bar:
            index = start
            while stop is None or index < stop:
                end = index + PAGE if stop is None else min(index + PAGE, stop)
                try:
                    page = self._json(f"/transparency/entries?start={index}&end={end}")["entries"]
                except FetchError as error:
                    if error.status == 400:
                        break  # past the end of the log: the caller judges what is missing
                    raise
                chunk = self._page_data(page, index)
                if not chunk:
                    break
                self.state.append_entries(chunk)
                fetched += chunk
                index += len(chunk)
                bar.update(len(chunk))
        return fetched

    def _page_data(self, page: list[dict], first: int) -> list[bytes]:
        data = []
        for offset, entry in enumerate(page):
            if entry.get("index") != first + offset:
                self.report.problem(
                    f"entries out of order: asked for {first + offset}, got {entry.get('index')}"
                )
                raise _Stop()
            data.append(_unb64(entry["data"]))
        return data

    def check_root(
        self, entries: list[bytes], checkpoint: Checkpoint, previous: Checkpoint | None
    ) -> bool:
        accumulator = merkle.RootAccumulator()
        for data in entries[: checkpoint.size]:
            accumulator.append_hash(merkle.leaf_hash(data))
        if accumulator.root() == checkpoint.root:
            self.report.ok(
                f"root recomputed from the {checkpoint.size} entries matches the signed checkpoint"
            )
            return True
        self.report.problem(
            "the root recomputed from the entries differs from the signed checkpoint:"
            " the entries served are not the ones that were signed"
        )
        # Forget what this run downloaded: the next run starts again from verified ground.
        self.state.keep_entries(previous.size if previous else 0)
        return False

    def check_entries(self, entries: list[bytes]) -> list[dict]:
        public, malformed, last_position = [], [], 0
        for index, data in enumerate(entries):
            entry = _public_entry(data)
            if entry is None or entry["position"] <= last_position:
                malformed.append(index)
                continue
            last_position = entry["position"]
            public.append(entry)
        if malformed:
            shown = ", ".join(map(str, malformed[:5])) + (" ..." if len(malformed) > 5 else "")
            self.report.problem(
                f"{len(malformed)} entries are not canonical JSON with increasing positions:"
                f" {shown}"
            )
        else:
            self.report.ok(f"all {len(entries)} entries are canonical JSON in log order")
        return public

    def check_site_tree(self, entries: list[bytes], checkpoint: Checkpoint) -> None:
        """The site's own proofs must still lead to its signed root: if its stored tree was
        rebuilt from an altered event store, they do not (first and last leaf cover all)."""
        for index in sorted({0, checkpoint.size - 1}):
            try:
                proof = self._hashes(
                    f"/transparency/proof/inclusion?index={index}&size={checkpoint.size}"
                )
            except FetchError as error:
                self.report.problem(
                    f"the site cannot prove entry {index} is in its own signed checkpoint: {error}"
                )
                return
            leaf = merkle.leaf_hash(entries[index])
            if not merkle.verify_inclusion(index, checkpoint.size, leaf, proof, checkpoint.root):
                self.report.problem(
                    f"the site's inclusion proof for entry {index}"
                    " does not lead to its signed root:"
                    " its stored history was altered after it was signed"
                )
                return
        self.report.ok("the site's inclusion proofs lead to its signed root")

    # -- the published figures ---------------------------------------------------------

    def check_tallies(
        self, entries: list[bytes], public: list[dict], tallies: dict[str, Tally]
    ) -> None:
        for name, tally in tallies.items():
            document = self._document(tally.path)
            position = document.get("position")
            if not isinstance(position, int):
                self.report.problem(
                    f"{name}: {tally.path} does not say which log position it reflects"
                )
                continue
            if not public or public[-1]["position"] < position:
                # The figure counts events not signed yet: fetch them too (the next run
                # verifies them against a later checkpoint).
                tail = self._fetch_entries(len(entries), None)
                entries += tail
                public += [entry for entry in map(_public_entry, tail) if entry is not None]
            reached = public[-1]["position"] if public else 0
            if reached < position:
                self.report.problem(
                    f"{name}: the site counts events up to position {position},"
                    f" the public log stops at {reached}"
                )
                continue
            differences = tally.compare(
                tally.replay(e for e in public if e["position"] <= position), document
            )
            if differences:
                self.report.problem(
                    f"{name} ({tally.path}) differs from the log: " + "; ".join(differences)
                )
            else:
                self.report.ok(
                    f"{name} ({tally.path}) matches the log replayed up to position {position}"
                )

    # -- helpers -------------------------------------------------------------------

    def _document(self, path: str, attempts: int = 5) -> Any:
        """A published figure, every page of it: a paged document (votes per item) says
        where its next page is (`next`); the pages' lists are put end to end. Every page
        must reflect the same log position: when the site moved on between two pages,
        read them again from the first (a figure is compared at one position)."""
        for _ in range(attempts):
            document = self._json(path)
            following = document.get("next") if isinstance(document, dict) else None
            seen = {path}
            while following and document.get("position") is not None:
                relative = _relative(path, following)
                if relative in seen:
                    raise FetchError(relative, None, "the pages loop")
                seen.add(relative)
                page = self._json(relative)
                if not isinstance(page, dict) or page.get("position") != document["position"]:
                    break
                for key, value in page.items():
                    if isinstance(value, list) and isinstance(document.get(key), list):
                        document[key] = document[key] + value
                following = page.get("next")
            else:
                document.pop("next", None)
                return document
        raise FetchError(path, None, f"the figures kept changing while their pages were read ({attempts} tries)")

    def _json(self, path: str) -> Any:
        body = self.fetch(path)
        try:
            return json.loads(body)
        except ValueError:
            raise FetchError(path, None, "not JSON") from None

    def _hashes(self, path: str) -> list[bytes]:
        return [_unb64(h) for h in self._json(path)["hashes"]]


def _relative(path: str, url: str) -> str:
    """The next page of `path`: its own path with the query of the `next` link (the same
    endpoint; the fetcher prepends the site's address, whatever prefix it is served under)."""
    query = urlsplit(url).query
    return path.split("?", 1)[0] + (f"?{query}" if query else "")


def _public_entry(data: bytes) -> dict | None:
    """The entry as a dict, if it is canonical JSON with an integer position; else None."""
    try:
        entry = json.loads(data)
        if canonical_json(entry) != data or type(entry.get("position")) is not int:
            return None
    except (ValueError, TypeError, AttributeError):
        return None
    return entry


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise FetchError("(entry)", None, f"invalid base64 {text!r}") from None
