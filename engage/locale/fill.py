"""Fill English translations into the .po from a JSON object {msgid: translation}.

A plural entry is keyed by its singular msgid and given a list, one text per plural form
(English: ["${count} answer", "${count} answers"]).

    .venv/bin/python engage/locale/fill.py new-strings.json && make catalog

Clears the fuzzy flag of the entries it fills; leaves every other entry alone.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).parent / "en" / "LC_MESSAGES" / "engage.po"


def fill(translations: dict[str, str], po_path: Path = PO) -> list[str]:
    with po_path.open("rb") as f:
        catalog = read_po(f)
    unknown = []
    for msgid, text in translations.items():
        text = tuple(text) if isinstance(text, list) else text
        message = catalog.get(msgid)
        if message is None:
            catalog.add(msgid, text)
        else:
            message.string = text
            message.flags.discard("fuzzy")
            message.previous_id = []
    with po_path.open("wb") as f:
        write_po(f, catalog, width=100)
    return unknown


if __name__ == "__main__":
    fill(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
