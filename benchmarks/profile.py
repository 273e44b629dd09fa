"""Where a web process's requests spend their time: py-spy sampling profiles under load,
aggregated into tables.

Two recordings: wall clock (`--idle`: waiting threads sampled too, so time spent waiting on
PostgreSQL or on the projections shows, as a request lives it) and py-spy's default, active
threads only (how the issue's profile was taken; py-spy still judges some waits active, such
as psycopg's wait on its socket and a Condition.wait with a timeout). Only samples of threads that are serving a request
count (a waitress task running the app): idle worker threads and the accept loop are left
out. Each sample is given one bucket, the first rule below that matches a frame of its stack,
in this order: an aggregate load's pool check counts as "pool check".
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PY_SPY = Path(sys.executable).parent / "py-spy"
RATE = 100

# py-spy names a function by its class too ("Repository.get"): FUNCTION matches either.
FUNCTION = r"^(?:\w+\.)*"
IN_REQUEST = re.compile(FUNCTION + r"execute \(.*waitress/task\.py\)$")
BUCKETS: list[tuple[str, re.Pattern]] = [(name, re.compile(pattern)) for name, pattern in (
    ("read-your-writes wait", FUNCTION + r"(wait_for_write|wait_for|wait_for_position) \(.*engage/"),
    ("pool check", FUNCTION + r"_?check_connection \(.*psycopg_pool/"),
    ("event store write", FUNCTION + r"(save|_record|insert_events|_insert_events|commit_group|append) \(.*"
                          r"(eventsourcing/|engage/group_commit)"),
    ("aggregate load", FUNCTION + r"get \(.*eventsourcing/application\.py\)"),
    ("card lookup", FUNCTION + r"(valid_card_of|_has_card|card_of) \("),
    ("session/CSRF/identity", r"\((engage/identity/|engage/security\.py|pyramid/csrf\.py|pyramid/session\.py|"
                              r"pyramid/security\.py|webob/cookies\.py)"),
    ("rendering (templates, forms)", r"\((chameleon/|pyramid_chameleon/|pyramid/renderers\.py|"
                                     r"engage/templating\.py|deform/|colander/)"),
    ("route factories (loading the page's objects)", r"\(engage/views/(\w+/)?resources\.py"),
)]
OTHER = "other (Pyramid, waitress, views)"
PLUMBING = 0.95


def record(pid: int, seconds: int, output: Path, *, idle: bool) -> subprocess.Popen:
    """Start py-spy on a running process; wait() on the result before reading `output`."""
    if not PY_SPY.exists():
        raise FileNotFoundError(f"{PY_SPY} is missing: make bench installs it (pip install -e '.[bench]')")
    return subprocess.Popen([str(PY_SPY), "record", "--format", "raw", "-o", str(output), "--pid", str(pid),
                             "--duration", str(seconds), "--rate", str(RATE), *(["--idle"] if idle else [])],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


_LOCATION = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(:\d+)?\)$")


def frame_name(frame: str) -> str:
    """'get (/…/site-packages/eventsourcing/application.py:201)' → 'get (eventsourcing/application.py)'."""
    match = _LOCATION.match(frame)
    if not match:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    else:
        if "/engage/" in path:
            path = "engage/" + path.rsplit("/engage/", 1)[1]
    return f"{match['function']} ({path})"


@dataclass
class Profile:
    samples: int  # samples of threads serving a request
    all_samples: int
    self_counts: Counter
    inclusive_counts: Counter
    buckets: Counter
    self_buckets: dict[str, Counter]

    def percent(self, count: int) -> float:
        return 100 * count / self.samples if self.samples else 0.0


def bucket_of(stack: list[str]) -> str:
    for name, pattern in BUCKETS:
        if any(pattern.search(frame) for frame in stack):
            return name
    return OTHER


def aggregate(raw: str) -> Profile:
    """py-spy's raw (collapsed) format: 'outer;…;inner COUNT' a line."""
    self_counts, inclusive, buckets = Counter(), Counter(), Counter()
    self_buckets: dict[str, Counter] = {}
    total = every = 0
    for line in raw.splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if not stack_text or not count_text.isdigit():
            continue
        count = int(count_text)
        every += count
        stack = [frame_name(f) for f in stack_text.split(";")]
        if not any(IN_REQUEST.match(f) for f in stack):
            continue
        total += count
        bucket = bucket_of(stack)
        buckets[bucket] += count
        self_counts[stack[-1]] += count
        self_buckets.setdefault(stack[-1], Counter())[bucket] += count
        for frame in set(stack):
            inclusive[frame] += count
    return Profile(total, every, self_counts, inclusive, buckets, self_buckets)


def report(profile: Profile, top: int = 15) -> list[str]:
    if not profile.samples:
        return ["- **no sample of a request**: py-spy saw no thread serving one"]
    lines = [f"{profile.samples:,} samples of threads serving a request (of {profile.all_samples:,} samples"
             f" of every thread, {RATE} per second).", "",
             "| bucket | % of request samples |", "|---|---|"]
    lines += [f"| {name} | {profile.percent(n):.1f} % |" for name, n in profile.buckets.most_common()]
    lines += ["", f"Top {top} functions by self time (the innermost frame; its bucket is the one most of its"
                  " samples fell in):", "", "| self % | function | bucket |", "|---|---|---|"]
    for name, n in profile.self_counts.most_common(top):
        bucket = profile.self_buckets[name].most_common(1)[0][0]
        lines.append(f"| {profile.percent(n):.1f} % | `{name}` | {bucket} |")
    lines += ["", f"Top {top} functions by inclusive time (on the stack), leaving out the plumbing every request"
                  f" goes through (frames on ≥ {PLUMBING:.0%} of the samples: waitress, Pyramid's router, tweens):",
              "", "| inclusive % | function |", "|---|---|"]
    ranked = [(name, n) for name, n in profile.inclusive_counts.most_common() if n < PLUMBING * profile.samples]
    lines += [f"| {profile.percent(n):.1f} % | `{name}` |" for name, n in ranked[:top]]
    return lines
