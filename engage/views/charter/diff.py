"""Word-level differences between two texts, marked up with <ins> and <del>.

Colour is not the only cue: each change also carries a visually hidden label
("ajouté :" / "supprimé :") that screen readers announce, and the CSS draws
underline / strike-through.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from html import escape

# Whitespace, words (with their inner apostrophes and hyphens), single punctuation marks.
TOKENS = re.compile(r"\s+|\w+(?:['’-]\w+)*|[^\w\s]")


def tokens(text: str) -> list[str]:
    return TOKENS.findall(text or "")


def word_diff(old: str, new: str, *, added: str = "ajouté :", removed: str = "supprimé :") -> str:
    """HTML (escaped text, our own tags only): render it with `structure:`."""
    a, b = tokens(old), tokens(new)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2]), quote=False))
            continue
        if op in ("delete", "replace"):
            parts.append(f'<del><span class="visually-hidden">{escape(removed, quote=False)} </span>{escape("".join(a[i1:i2]), quote=False)}</del>')
        if op in ("insert", "replace"):
            parts.append(f'<ins><span class="visually-hidden">{escape(added, quote=False)} </span>{escape("".join(b[j1:j2]), quote=False)}</ins>')
    return "".join(parts)


def changed(old: str, new: str) -> bool:
    return (old or "") != (new or "")
