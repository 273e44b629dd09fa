"""Msgids that no extractor can see, because they are not written as ``_("...")``.

* ``engage.domain.errors``: each ``DomainError`` subclass carries a French ``message``
  class attribute; views translate it with ``_(error.message)``.
* ``engage.domain.places.AGE_BANDS``: the age-band labels, translated with ``_(label)``
  when a form or a card is rendered.
* ``engage.domain.workshops.THEMES`` and ``LANGUAGES``: the workshops' labels.
* ``engage.domain.members.REPORT_MSGIDS`` (the import report's lines) and the kinds of
  ``engage.domain.organizations`` (organizations, offers).

``build_catalog`` adds them to ``engage.pot``; ``tests/test_catalogue.py`` checks that
the English catalogue translates them.  Run this module to list them.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import engage.domain
from engage.domain import common as errors
from engage.domain import common as places

ROOT = Path(__file__).resolve().parents[2]


def _location(obj_file: str, needle: str) -> tuple[str, int]:
    """(path relative to the project, line of the first line containing the literal)."""
    path = Path(obj_file).resolve()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            break
    else:
        lineno = 0
    return (path.relative_to(ROOT).as_posix(), lineno)


def _subclasses(cls: type) -> list[type]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_subclasses(sub))
    return found


def extra_msgids() -> list[tuple[str, tuple[str, int]]]:
    """[(msgid, (file, line))], in source order, without duplicates."""
    found: dict[str, tuple[str, int]] = {}
    # Domain errors live in every module of the domain: import them all to see them.
    for module in pkgutil.walk_packages(engage.domain.__path__, "engage.domain."):
        importlib.import_module(module.name)
    for cls in _subclasses(errors.DomainError):
        message = cls.__dict__.get("message")
        if isinstance(message, str) and message and message not in found:
            found[message] = _location(inspect.getfile(cls), message)
    for label in places.AGE_BANDS.values():
        if label not in found:
            found[label] = _location(places.__file__, label)
    # Consultations: phases, kinds of contribution and vote options, shown with _(label).
    from engage.domain.consultations import model as consultations
    from engage.domain.questionnaires import model as questionnaires

    for labels in (consultations.PHASE_LABELS, consultations.KINDS, consultations.OPTIONS):
        for label in labels.values():
            if label not in found:
                found[label] = _location(consultations.__file__, f'"{label}"')
    for labels in (questionnaires.TARGETS, questionnaires.QUESTION_KINDS):
        for label in labels.values():
            if label not in found:
                found[label] = _location(questionnaires.__file__, f'"{label}"')
    # The workshops' families and languages, translated with _(label) on the pages.
    from engage.domain.workshops import model as workshops

    for label in [*workshops.THEMES.values(), *workshops.LANGUAGES.values()]:
        if label not in found:
            found[label] = _location(workshops.__file__, label)
    # residents-orgs: the import report's line messages, organization and offer kinds.
    from engage.domain.members import model as members
    from engage.domain.organizations import model as organizations

    for module, texts in ((members, members.REPORT_MSGIDS),
                          (organizations, [*organizations.ORGANIZATION_KINDS.values(),
                                           *organizations.OFFER_KINDS.values()])):
        for text in texts:
            if text not in found:
                found[text] = _location(module.__file__, text)
    return list(found.items())


if __name__ == "__main__":
    for msgid, (path, lineno) in extra_msgids():
        print(f"{path}:{lineno}: {msgid}")
