"""deform, rendered with our accessible templates and the request's language."""

from pathlib import Path

import deform
from pyramid.i18n import get_localizer
from pyramid.threadlocal import get_current_request

TEMPLATES = Path(__file__).parent / "templates" / "deform"


def translator(term):
    request = get_current_request()
    if request is None:
        return term
    return get_localizer(request).translate(term)


def includeme(config) -> None:
    search_path = (str(TEMPLATES), str(Path(deform.__file__).parent / "templates"))
    deform.Form.set_zpt_renderer(search_path, translator=translator)
