"""Word-level differences between two texts, with a bounded cost.

A resident can propose a long amendment, and anyone can ask for its page: the difference must
not cost more than a fixed budget, whatever the texts. So:

- the texts are cut into tokens (words, single punctuation marks, runs of whitespace);
- their common beginning and end are set aside in linear time (an amendment usually changes a
  few words: what is left to compare is small);
- what is left is compared with the classic longest-common-subsequence table, whose cost is
  exactly the product of the two token counts (no worst case hidden behind a heuristic, unlike
  difflib.SequenceMatcher, quadratic or worse on repetitive texts);
- if that product exceeds DIFF_BUDGET, no word diff is computed at all: `segments` returns None
  and the pages show both texts in full, side by side.

The result, a list of segments ("=", text) and ("~", old, new), is plain data: the charter
projection computes it once, when the event is applied, and stores it as JSON; the views only
render it (linear), with labels in the page's language.
"""

from __future__ import annotations

import json
import re

# Whitespace, words (with their inner apostrophes and hyphens), single punctuation marks.
TOKENS = re.compile(r"\s+|\w+(?:['’-]\w+)*|[^\w\s]")
# Cells of the comparison table (product of the token counts left once the common beginning and
# end are set aside): about 600 x 600 tokens, some 300 words changed on each side; a few tenths of
# a second in the worst case. Beyond it the texts are shown side by side.
DIFF_BUDGET = 360_000

Segment = tuple  # ("=", text) or ("~", old, new)


def tokens(text: str) -> list[str]:
    return TOKENS.findall(text or "")


def _trim(a: list[str], b: list[str]) -> tuple[int, int]:
    """Lengths of the common prefix and of the common suffix (not overlapping)."""
    limit = min(len(a), len(b))
    start = 0
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def cost(old: str, new: str) -> int:
    """Cells of the comparison table that `segments` would fill (0: nothing left to compare)."""
    a, b = tokens(old), tokens(new)
    start, end = _trim(a, b)
    return (len(a) - start - end) * (len(b) - start - end)


def _lcs_ops(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    """Token operations ("=", "-", "+") of a longest common subsequence: len(a) * len(b) cells."""
    n, m = len(a), len(b)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below, token = table[i], table[i + 1], a[i]
        for j in range(m - 1, -1, -1):
            if token == b[j]:
                row[j] = below[j + 1] + 1
            else:
                right, down = row[j + 1], below[j]
                row[j] = right if right > down else down
    ops: list[tuple[str, str]] = []
    i = j = 0
    while i < n and j < m:
        if a[i] == b[j]:
            ops.append(("=", a[i]))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            ops.append(("-", a[i]))
            i += 1
        else:
            ops.append(("+", b[j]))
            j += 1
    ops.extend(("-", t) for t in a[i:])
    ops.extend(("+", t) for t in b[j:])
    return ops


def _group(ops: list[tuple[str, str]]) -> list[list[str]]:
    """Runs of equal tokens and of changes; a run of whitespace alone between two changes joins
    them (so "a b" to "c d" reads as one change, not two around a kept space)."""
    runs: list[list] = []  # ["=", [tokens]] or ["~", [old tokens], [new tokens]]
    for op, token in ops:
        if op == "=":
            if runs and runs[-1][0] == "=":
                runs[-1][1].append(token)
            else:
                runs.append(["=", [token]])
            continue
        if not runs or runs[-1][0] != "~":
            if len(runs) >= 2 and runs[-2][0] == "~" and "".join(runs[-1][1]).isspace():
                kept = runs.pop()[1]
                runs[-1][1].extend(kept)
                runs[-1][2].extend(kept)
            else:
                runs.append(["~", [], []])
        runs[-1][1 if op == "-" else 2].append(token)
    out = []
    for run in runs:
        out.append(["=", "".join(run[1])] if run[0] == "=" else ["~", "".join(run[1]), "".join(run[2])])
    return out


def segments(old: str, new: str, *, budget: int | None = None) -> list[list[str]] | None:
    """The word diff of `old` to `new` as segments, or None if comparing them would cost more
    than `budget` cells (DIFF_BUDGET by default; the caller then shows both texts in full)."""
    a, b = tokens(old), tokens(new)
    start, end = _trim(a, b)
    middle_a, middle_b = a[start:len(a) - end], b[start:len(b) - end]
    if len(middle_a) * len(middle_b) > (DIFF_BUDGET if budget is None else budget):
        return None
    ops = [("=", t) for t in a[:start]]
    if middle_a and middle_b:
        ops.extend(_lcs_ops(middle_a, middle_b))
    else:
        ops.extend(("-", t) for t in middle_a)
        ops.extend(("+", t) for t in middle_b)
    ops.extend(("=", t) for t in a[len(a) - end:])
    return _group(ops)


def dumps(diff: list[list[str]] | None) -> str:
    """Stored form: JSON, "null" for texts over the budget."""
    return json.dumps(diff, ensure_ascii=False, separators=(",", ":"))


def loads(stored: str) -> list[list[str]] | None:
    return json.loads(stored)
