"""What every view does the same way: who is asking, read-your-writes, forms, page numbers,
and dates for people (Europe/Paris, French or English formats through Babel)."""

from __future__ import annotations

import html
import itertools
import re
from datetime import date, datetime, timezone
from functools import lru_cache, partial
from typing import Any, Callable
from urllib.parse import quote, unquote, urlsplit
from uuid import UUID
from zoneinfo import ZoneInfo

import deform
from babel import Locale
from babel.dates import format_date, format_datetime
from pyramid.events import BeforeRender, subscriber
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.interfaces import IRoutesMapper
from pyramid.renderers import render

from engage.domain.common import DomainError
from engage.domain.written import written
from engage.i18n import _
from engage.projections.engine import ProjectionTimeout
from engage.views.routes import READS

MAX_PAGE = 10_000


class SeeOther(HTTPSeeOther):
    """Every form's answer, a 303 to the page that shows the result. Its short note (browsers
    never show it) is only the link, escaped: Pyramid's own note is an English sentence,
    negotiated from the Accept header and filled from a template at each response (56 µs
    against 10 µs, on the path of every vote)."""

    def __init__(self, location: str, **kwargs):
        link = html.escape(location)
        super().__init__(location=location, body=f'<a href="{link}">{link}</a>\n'.encode(),
                         content_type="text/html", charset="utf-8", **kwargs)


def signed_in_person(request) -> UUID | None:
    userid = request.authenticated_userid
    return UUID(str(userid)) if userid else None


def uuid_from(request, key: str) -> UUID:
    """A UUID from the URL, or 404: a malformed id is an unknown page, never a 500."""
    try:
        return UUID(request.matchdict[key])
    except ValueError:
        raise HTTPNotFound() from None


def query(request) -> dict:
    """The query string, or nothing when a client sent bytes that are not UTF-8 (never a 500)."""
    try:
        return dict(request.GET.items())
    except UnicodeDecodeError:
        return {}


def page_number(request) -> int:
    try:
        return max(1, min(int(query(request).get("page", 1)), MAX_PAGE))
    except ValueError:
        return 1


def wait_for_write(request, position: int | None, target: str | None = None) -> bool:
    """Read-your-writes, bounded: wait until the read models the page at `target` reads (its
    route's READS, engage/views/routes.py) have reached `position`; all of them when there is
    no target or its route declares nothing. Of those, only the ones that follow an event this
    request wrote (the others cannot have changed). False if they lag: the write itself is safe."""
    if position is None:
        return True
    try:
        request.engage.wait_for(position, reads_of(request, target), written=written())
        return True
    except ProjectionTimeout:
        return False


def reads_of(request, target: str | None) -> tuple[str, ...] | None:
    """The projections the page at `target` (a URL of this site) reads, as its route declares
    them; None (every projection) for a page whose route declares nothing or is not found."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.netloc and parts.netloc not in (request.host, urlsplit(request.host_url).netloc):
        return None  # another site's page (route_url leaves the default port out)
    path = unquote(parts.path)
    script_name = request.script_name
    if script_name and path.startswith(script_name):
        path = path[len(script_name):]
    for route in _routes_that_may_match(request.registry, path):
        if route.match(path) is not None:
            return READS.get(route.name)
    return None


def _first_segment(pattern_or_path: str) -> str:
    return pattern_or_path.lstrip("/").split("/", 1)[0]


def _routes_that_may_match(registry, path: str) -> list:
    """The routes, in Pyramid's order, that may match `path`: those whose pattern begins with the
    path's first segment, and those whose first segment is not plain text (a placeholder). Built
    once per set of routes: matching a path against every route (some 80) cost more than the
    rest of a vote's view."""
    mapper = registry.queryUtility(IRoutesMapper)
    routes = mapper.get_routes() if mapper is not None else []
    index = registry.__dict__.get("engage_routes_by_segment")
    if index is None or index[0] is not routes or index[1] != len(routes):
        fixed = {_first_segment(r.pattern) for r in routes}
        fixed = {segment for segment in fixed if not any(c in segment for c in "{}*:")}
        buckets = {segment: [r for r in routes if _first_segment(r.pattern) == segment
                             or _first_segment(r.pattern) not in fixed] for segment in fixed}
        anywhere = [r for r in routes if _first_segment(r.pattern) not in fixed]
        index = registry.__dict__["engage_routes_by_segment"] = (routes, len(routes), buckets, anywhere)
    return index[2].get(_first_segment(path), index[3])


def validate(form: deform.Form, request) -> dict | None:
    """The form's data, or None after rendering it with its messages (status 400) into
    request.environ["engage.rendered_form"]."""
    try:
        return form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        request.environ["engage.rendered_form"] = failure.render()
        return None


def error_message(error: DomainError):
    """A domain error as a translation string, its ${placeholders} filled from the error."""
    return _(error.message, mapping=getattr(error, "mapping", None))


def _redisplayable(data: dict) -> dict:
    # Uploaded files cannot be sent back to the browser; everything typed can.
    return {k: v for k, v in data.items() if not isinstance(v, (bytes, dict))}


def form_view(request, form: deform.Form, page: dict, action: Callable[[dict], tuple[Any, str]],
              *, values: dict | None = None, done=None, closed: list | None = None):
    """The one flow of a form page. GET: the form. POST: validate, run `action(data)` (it returns
    what it recorded, or its log position, and the URL to go to), wait for the write, flash
    `done` when given, redirect 303. Invalid input or a DomainError: the form again with its
    message, status 400, nothing written.

    `closed`: the sentences saying why the act is not possible now for this visitor (asked of the
    domain's rule by the view) and what they can do instead. Then no form is offered, only them;
    a POST is refused with status 409, nothing written."""
    if closed:
        if request.method == "POST":
            request.response.status_int = 409
        return {**page, "closed": list(closed)}
    if request.method != "POST":
        return {**page, "form": form.render(values or {})}
    data = validate(form, request)
    if data is None:
        return {**page, "form": request.environ["engage.rendered_form"]}
    try:
        recorded, target = action(data)
    except DomainError as error:
        request.response.status_int = 400
        return {**page, "form": form.render(_redisplayable(data)), "error": error_message(error)}
    position = recorded if isinstance(recorded, int) else getattr(recorded, "position", None)
    wait_for_write(request, position, target)
    if done is not None:
        flash(request, done)
    return SeeOther(target)


def one_of_several(request, form: deform.Form, page: dict, action: Callable[[dict], tuple[Any, str]], done=None,
                   *, form_key: str, error_key: str = "error"):
    """A POST to one of a page's several forms, through form_view: its redirect, or the page with
    that form (and its error) under the page's own keys."""
    result = form_view(request, form, {}, action, done=done)
    if not isinstance(result, dict):
        return result
    shown = {**page, form_key: result["form"]}
    if "error" in result:
        shown[error_key] = result["error"]
    return shown


def local_path(target: str | None, default: str = "/") -> str:
    """Only paths of this site: a `retour` parameter must not become an open redirect, nor
    split the answer's headers (a CR or LF: header injection, `default` instead) or break
    them (a space or a character a Location header cannot carry: percent-encoded)."""
    if not target or any(c < " " or c == "\x7f" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return quote(target, safe="/?#[]@!$&'()*+,;=:%~-._")  # other characters percent-encoded


PARIS = ZoneInfo("Europe/Paris")


@lru_cache(maxsize=8)
def _first_of_month(locale: str) -> re.Pattern | None:
    """"1" followed by a month name (wide or abbreviated, as Babel writes them), for French locales."""
    if not str(locale).lower().startswith("fr"):
        return None
    months = Locale.parse(locale).months["format"]
    names = {name for width in ("wide", "abbreviated") for name in months[width].values()}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<![\d/.:])1(?=\s(?:" + alternatives + r")(?![\w]))")


def french_ordinal(text: str, day_of_month: int, locale: str) -> str:
    """"1 janvier" → "1er janvier" in French text formatted for a date falling on the 1st."""
    pattern = _first_of_month(locale) if day_of_month == 1 else None
    return pattern.sub("1er", text, count=1) if pattern else text


def _as_date(value: str | date) -> date:
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(value) if isinstance(value, str) else value


def _as_moment(value: str | datetime) -> datetime:
    when = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


# -- the one date formatter -----------------------------------------------------------------

#: An instant with its time: "14 mai 2027 à 18:30", "May 14, 2027 at 6:30 PM".
TIME_FORMATS = {"fr": "d MMMM y 'à' HH:mm", "en": "MMMM d, y 'at' h:mm a"}


def when(value: str | date | datetime | None, locale: str, *, time: bool = False) -> str:
    """How engage shows a date to people: in Paris time, in the visitor's language.

    A calendar date (or its ISO text) is a day: "14 mai 2027" ("1er mai" on the first). An
    instant (a datetime, naive meaning UTC, or its ISO text) is shown as the day it falls on
    in Paris, or with time=True with its hour. Nothing gives "", never an error.
    """
    if not value:
        return ""
    is_instant = isinstance(value, datetime) or (isinstance(value, str) and len(value) > 10)
    if not is_instant:
        day_ = _as_date(value)
        return french_ordinal(format_date(day_, "long", locale=locale), day_.day, locale)
    moment_ = _as_moment(value).astimezone(PARIS)
    if not time:
        return french_ordinal(format_date(moment_.date(), "long", locale=locale), moment_.day, locale)
    pattern = TIME_FORMATS.get(str(locale)[:2], TIME_FORMATS["en"])
    return french_ordinal(format_datetime(moment_, pattern, tzinfo=PARIS, locale=locale), moment_.day, locale)


# -- flash messages: one convention -----------------------------------------------------------

SUCCESS, ERROR = "success", "error"


def flash(request, message, kind: str = SUCCESS) -> None:
    """A message for the next page the visitor sees; the layout shows it (role status or alert).

    Translated now: the session keeps text. Never twice the same unread message: a client that
    does not follow redirects (a script voting 200 times) would grow the session cookie past 4 kB.
    """
    request.session.flash(request.localizer.translate(message), kind, allow_duplicate=False)


def pop_flashes(request) -> dict[str, list[str]]:
    """The messages waiting for this visitor, by kind; each is shown once. A kind with none is
    only looked at: popping it would mark the session changed and send its cookie again."""
    session = request.session
    return {kind: [str(m) for m in session.pop_flash(kind)] if session.peek_flash(kind) else []
            for kind in (SUCCESS, ERROR)}


# -- required fields --------------------------------------------------------------------------

#: What marks a required field in a rendered form (templates/deform/mapping_item.pt).
REQUIRED_MARKER = 'class="required-marker"'


def has_required_field(*rendered: str | None) -> bool:
    """Whether one of these rendered forms has a required field: only then does a page say
    that the fields marked with an asterisk are required."""
    return any(REQUIRED_MARKER in str(html or "") for html in rendered)


# -- figures not published ------------------------------------------------------------------

NOT_PUBLISHED_WHY = _("« non publié » : un nombre de moins de 5 réponses n'est pas publié, ni un nombre qui "
                      "permettrait de le retrouver par différence, pour protéger les personnes qui ont répondu.")


class NotPublished(str):
    """A blanked figure's "non publié": on a page, a link to the explanation (#non-publie)."""

    def __html__(self) -> str:
        return f'<a href="#non-publie">{html.escape(self)}</a>'


def not_published(request) -> NotPublished:
    return NotPublished(request.localizer.translate(_("non publié")))


def why_not_published(request, values) -> str | None:
    """The explanation a page shows (with id non-publie) when one of its figures is blank."""
    return request.localizer.translate(NOT_PUBLISHED_WHY) \
        if any(isinstance(v, NotPublished) for v in values) else None


# -- the one form factory ---------------------------------------------------------------------

def make_form(schema_class, request, *, formid: str, button, action: str | None = None, extend=None,
              **bindings) -> deform.Form:
    """A deform form bound to the request: one submit button, ids unique on the page.

    `extend(schema)` adds fields whose choices depend on the request, before binding;
    `bindings` reach the schema's deferred values beside the request.
    """
    # One counter per request: several forms on one page never share an element id.
    counter = request.environ.setdefault("engage.deform_counter", itertools.count())
    schema = schema_class()
    if extend is not None:
        schema = extend(schema)
    return deform.Form(schema.bind(request=request, **bindings), buttons=(deform.Button("submit", button),),
                       formid=formid, action=action or "", counter=counter)


# Forms whose markup is the same for every visitor but for two values: rendered once per
# language and values, with marks where the action and the CSRF token go.
_RENDERED_FORMS: dict[tuple, tuple[str, int]] = {}
_MAX_RENDERED_FORMS = 256
_ACTION_MARK = "/engage-form-action-mark"
_CSRF_MARK = "engage-form-csrf-token-mark"


def render_form(schema_class, request, *, formid: str, button, action: str, values: dict) -> str:
    """make_form(schema_class, request, ...).render(values), byte for byte, for a schema with no
    binding but the request's CSRF token: the page's first form (its element ids start the
    request's counter) is rendered once per process for each language and `values` and kept,
    the action and the token put in. A deform form costs a page more than all its reads."""
    if "engage.deform_counter" in request.environ or "csrf_token" in values:
        return make_form(schema_class, request, formid=formid, button=button, action=action).render(values)
    key = (schema_class, formid, str(button), getattr(button, "domain", None), request.locale_name,
           tuple(sorted(values.items())))
    found = _RENDERED_FORMS.get(key)
    if found is None:
        counter = itertools.count()
        form = deform.Form(schema_class().bind(request=request), buttons=(deform.Button("submit", button),),
                           formid=formid, action=_ACTION_MARK, counter=counter)
        found = (form.render({**values, "csrf_token": _CSRF_MARK}), next(counter))
        if len(_RENDERED_FORMS) < _MAX_RENDERED_FORMS:
            _RENDERED_FORMS[key] = found
    rendered, next_id = found
    request.environ["engage.deform_counter"] = itertools.count(next_id)  # the ids it used are taken
    return (rendered.replace(_ACTION_MARK, html.escape(action, quote=False).replace('"', "&quot;"))
            .replace(_CSRF_MARK, html.escape(request.csrf_token)))


# -- plurals: one helper --------------------------------------------------------------------

def plural(n: int, singular: str, plural_: str, mapping: dict | None = None, *, request) -> str:
    """"1 réponse", "2 réponses": the form the visitor's language uses for n, ${count} filled.

    The French forms are the msgids (msgid and msgid_plural); each catalogue's Plural-Forms
    chooses (French: 0 and 1 are singular). `make catalog` extracts every call of `plural`
    (engage/locale/build_catalog.py, KEYWORDS); templates call it without the request.
    """
    return request.localizer.pluralize(singular, plural_, n, domain="engage",
                                       mapping={"count": n, **(mapping or {})})


#: How many rendered fragments a process keeps (per route name, language and host; past it,
#: each is rendered every time, as before).
_MAX_FRAGMENTS = 2048


def fragment(request, template: str, **values: Any) -> str:
    """A part of every page that depends only on `values`, the language and the host the page is
    served on (the layout's navigation and footer: ~30 URLs and ~40 translations a page), rendered
    once per process and reused. Its HTML goes into the page as it is (`structure`): a fragment's
    template must escape whatever it shows, as every template does."""
    cache = request.registry.__dict__.setdefault("engage_fragments", {})
    key = (template, request.locale_name, request.application_url, tuple(sorted(values.items())))
    found = cache.get(key)
    if found is None:
        found = render(template, values, request=request)
        if len(cache) < _MAX_FRAGMENTS:
            cache[key] = found
    return found


@subscriber(BeforeRender)
def page_helpers(event) -> None:
    """What every template may call: when(value, time=False), plural(n, singular, plural, mapping),
    pop_flashes() and fragment(template, **values)."""
    request = event.get("request")
    if request is None:
        return
    event.setdefault("fragment", partial(fragment, request))
    event.setdefault("when", lambda value, time=False: when(value, request.locale_name, time=time))
    event.setdefault("has_required", has_required_field)
    event.setdefault("plural", partial(plural, request=request))
    event.setdefault("pop_flashes", lambda: pop_flashes(request))
