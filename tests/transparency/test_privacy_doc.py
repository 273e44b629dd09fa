"""docs/PRIVACY.md's table of leaves says exactly what the declarations say.

For every event class of every engage aggregate, one row: whether the leaf shows the
aggregate's id, its public fields, its committed fields (with the act a commitment stands
for when later events revise it), and why. The test fails when a row and its declaration
disagree, when an event has no row, or when a row gives no reason.

After changing a declaration, rewrite the table (the reasons already written are kept;
a new row says TODO until somebody writes why):

    .venv/bin/python -m tests.transparency.test_privacy_doc
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from engage.domain.publicity import publicity_of
from tests.common.publicity import engage_aggregates, event_classes

DOC = Path(__file__).parents[2] / "docs" / "PRIVACY.md"
BEGIN = "<!-- leaf table: begin -->"
END = "<!-- leaf table: end -->"
HEADER = ("| Leaf (event) | Aggregate | Id | Public fields | Commitments (fields naming a person) | Why |\n"
          "|---|---|---|---|---|---|")
TODO = "TODO: why is this public?"


@dataclass(frozen=True)
class Row:
    event: str
    aggregate: str
    public_id: bool
    public: frozenset[str]
    commit: frozenset[tuple[str, str | None]]
    why: str = ""

    def key(self):
        return (self.event, self.aggregate, self.public_id, self.public, self.commit)


def declared() -> list[Row]:
    rows = []
    for aggregate in engage_aggregates():
        for event_class in event_classes(aggregate):
            found = publicity_of(event_class)
            assert found is not None, f"{aggregate.__name__}.{event_class.__name__}: see tests/domain/test_publicity.py"
            rows.append(Row(event_class.__name__, aggregate.__name__, found.public_id, frozenset(found.public),
                            frozenset(found.commit.items())))
    return rows


def render(row: Row) -> str:
    public = ", ".join(f"`{name}`" for name in sorted(row.public)) or "—"
    commit = ", ".join(f"`{name}` (act: {act})" if act else f"`{name}`" for name, act in sorted(row.commit)) or "—"
    why = row.why or TODO
    return f"| `{row.event}` | {row.aggregate} | {'yes' if row.public_id else 'no'} | {public} | {commit} | {why} |"


def parse(text: str) -> list[Row]:
    table = text.split(BEGIN, 1)[1].split(END, 1)[0].strip().splitlines()
    assert "\n".join(table[:2]) == HEADER, "the table's header changed"
    rows = []
    for line in table[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 6, line
        event, aggregate, public_id, public, commit, why = cells
        rows.append(Row(
            event.strip("`"), aggregate, {"yes": True, "no": False}[public_id],
            frozenset(re.findall(r"`(\w+)`", public)),
            frozenset((name, act or None) for name, act in re.findall(r"`(\w+)`(?: \(act: (\w+)\))?", commit)),
            why))
    return rows


def test_the_table_of_leaves_is_the_declarations():
    written = parse(DOC.read_text(encoding="utf-8"))
    names = [row.event for row in written]
    assert len(names) == len(set(names)), "an event has two rows"
    expected = {row.event: row for row in declared()}
    assert sorted(names) == sorted(expected), (
        f"rows without an event: {sorted(set(names) - set(expected))};"
        f" events without a row: {sorted(set(expected) - set(names))}")
    wrong = [f"{row.event}: the table says {render(row)!r}, the declaration {render(expected[row.event])!r}"
             for row in written if row.key() != expected[row.event].key()]
    assert not wrong, "\n".join(wrong)
    unexplained = [row.event for row in written if not row.why or row.why.startswith("TODO")]
    assert not unexplained, f"say why these leaves show what they show: {unexplained}"


def rewrite() -> None:
    text = DOC.read_text(encoding="utf-8")
    reasons = {row.event: row.why for row in parse(text)} if BEGIN in text else {}
    rows = [render(Row(**{**row.__dict__, "why": reasons.get(row.event, "")})) for row in declared()]
    table = "\n".join([BEGIN, HEADER, *rows, END])
    if BEGIN in text:
        before, rest = text.split(BEGIN, 1)
        text = before + table + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + table + "\n"
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    rewrite()
