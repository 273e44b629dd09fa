"""Word-level differences between two texts, marked up with <ins> and <del>.

The diff itself (engage/domain/charter/textdiff.py) is computed once, by the charter projection,
within a budget; here it is only rendered, in linear time. Texts too different to compare within
the budget (no segments) are shown in full, side by side, each in its own labelled block.

Colour is not the only cue: each change also carries a visually hidden label
("ajouté :" / "supprimé :") that screen readers announce, and the CSS draws
underline / strike-through.
"""

from __future__ import annotations

from html import escape

from engage.domain.charter import textdiff


def _e(text: str) -> str:
    return escape(text, quote=False)


def render(diff: list[list[str]] | None, old: str, new: str, *, added: str = "ajouté :",
           removed: str = "supprimé :",
           fallback: str = "Les deux textes sont trop différents pour être comparés mot à mot : ils sont affichés"
                           " en entier, l'un à côté de l'autre.",
           old_label: str = "Texte de départ", new_label: str = "Texte d'arrivée") -> str:
    """HTML (escaped text, our own tags only): render it with `structure:`."""
    if diff is None:
        return (f'<p class="diff-fallback">{_e(fallback)}</p>'
                f'<div class="diff-side-by-side">'
                f'<div class="diff-old"><h4 class="diff-label">{_e(old_label)}</h4>'
                f'<div class="diff-text">{_e(old or "")}</div></div>'
                f'<div class="diff-new"><h4 class="diff-label">{_e(new_label)}</h4>'
                f'<div class="diff-text">{_e(new or "")}</div></div></div>')
    parts: list[str] = []
    for segment in diff:
        if segment[0] == "=":
            parts.append(_e(segment[1]))
            continue
        if segment[1]:
            parts.append(f'<del><span class="visually-hidden">{_e(removed)} </span>{_e(segment[1])}</del>')
        if segment[2]:
            parts.append(f'<ins><span class="visually-hidden">{_e(added)} </span>{_e(segment[2])}</ins>')
    return "".join(parts)


def word_diff(old: str, new: str, **labels: str) -> str:
    """Compute (within the budget) and render: for texts whose diff is not stored."""
    return render(textdiff.segments(old, new), old, new, **labels)


def changed(old: str, new: str) -> bool:
    return (old or "") != (new or "")
