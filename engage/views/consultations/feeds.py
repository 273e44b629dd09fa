"""Atom feeds (RFC 4287) of the consultations: new consultations, phases that start, the
City's answers and published restitutions; one feed for the whole site, one per consultation.

Rows come from the feed read model (engage/projections/consultations/feed.py), the 50 latest,
newest first. Entry ids are `urn:uuid:` names derived from the event's log position, so they
never change; every link is absolute, from the configured public URL. The body's digest is
its ETag, the newest entry's time its Last-Modified: readers polling with If-None-Match or
If-Modified-Since get a 304.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from uuid import NAMESPACE_URL, uuid5
from xml.etree import ElementTree as ET

from pyramid.response import Response
from pyramid.view import view_config

from engage.domain.consultations.model import PHASE_LABELS
from engage.i18n import ANSWER_STATUS_LABELS, _
from engage.projections.consultations import feed, feed_queries
from engage.public_url import public_url
from engage.views.toolkit import plural

ATOM = "http://www.w3.org/2005/Atom"
FEED_NAMESPACE = uuid5(NAMESPACE_URL, "https://engage.paris/ns/feed")
CONTENT_TYPE = "application/atom+xml"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MAX_AGE = 300

ET.register_namespace("", ATOM)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def urn(name: str) -> str:
    return f"urn:uuid:{uuid5(FEED_NAMESPACE, name)}"


def _text(parent, tag: str, text: str, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = text
    return element


def _link(parent, href: str, rel: str = "alternate", media: str = "text/html") -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "type": media, "href": href})


def _described(request, entry: feed_queries.FeedEntry) -> tuple[str, str, str]:
    """(title, summary, link) of an entry, in the reader's language."""
    translate = request.localizer.translate
    page = public_url(request, "consultation", ref=entry.slug)
    mapping = {"title": entry.title}
    if entry.kind == feed.CREATED:
        return translate(_("Nouvelle consultation : ${title}", mapping=mapping)), entry.description, page
    if entry.kind == feed.PHASE:
        phase = translate(_(PHASE_LABELS.get(entry.subject, entry.subject)))
        return (translate(_("${title} : la phase « ${phase} » commence", mapping={**mapping, "phase": phase})),
                translate(_("La consultation entre dans sa phase « ${phase} ».", mapping={"phase": phase})), page)
    if entry.kind == feed.ANSWERED:
        status = translate(ANSWER_STATUS_LABELS.get(entry.subject, entry.subject))
        mapping["status"] = status
        heading = (_("Suite donnée à une contribution (${status}) : ${title}", mapping=mapping)
                   if entry.revision <= 1 else _("Suite donnée révisée (${status}) : ${title}", mapping=mapping))
        link = public_url(request, "contribution", ref=entry.slug, item=entry.item)
        return translate(heading), entry.detail, link
    answered, contributions = entry.detail.split("/")
    link = public_url(request, "restitution_version", ref=entry.slug, version=entry.subject)
    return (translate(_("Restitution publiée, version ${number} : ${title}",
                        mapping={**mapping, "number": entry.subject})),
            plural(int(answered), "${count} contribution ayant reçu une réponse de la Ville, sur ${contributions}.",
                   "${count} contributions ayant reçu une réponse de la Ville, sur ${contributions}.",
                   {"contributions": contributions}, request=request), link)


def atom(request, *, feed_id: str, title: str, self_url: str, page_url: str,
         entries: list[feed_queries.FeedEntry]) -> bytes:
    """The feed document: RFC 4287's required elements (feed id, title, updated, author;
    each entry's id, title, updated, link), UTF-8."""
    translate = request.localizer.translate
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": request.locale_name})
    _text(root, "id", feed_id)
    _text(root, "title", title)
    _text(root, "updated", rfc3339(entries[0].at if entries else EPOCH))
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", translate(_("Ville de Paris")))
    _link(root, self_url, "self", CONTENT_TYPE)
    _link(root, page_url)
    _text(root, "generator", "engage")
    for entry in entries:
        heading, summary, link = _described(request, entry)
        element = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(element, "id", urn(f"entry/{entry.position}"))
        _text(element, "title", heading)
        _text(element, "updated", rfc3339(entry.at))
        _text(element, "published", rfc3339(entry.at))
        _link(element, link)
        ET.SubElement(element, f"{{{ATOM}}}category", {"term": entry.kind})
        _text(element, "summary", summary, type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def feed_response(request, body: bytes, entries: list[feed_queries.FeedEntry]) -> Response:
    response = Response(body=body, content_type=CONTENT_TYPE, charset="utf-8")
    response.etag = hashlib.sha256(body).hexdigest()[:32]
    response.last_modified = entries[0].at if entries else EPOCH
    response.cache_control = f"public, max-age={MAX_AGE}"
    response.vary = ("Cookie",)  # the language chosen
    response.conditional_response = True
    return response


@view_config(route_name="consultations_feed", request_method="GET")
def site_feed(request):
    entries = feed_queries.latest(request.engage.db)
    body = atom(request, feed_id=urn("consultations"),
                title=request.localizer.translate(_("Consultations de la Ville de Paris")),
                self_url=public_url(request, "consultations_feed"), page_url=public_url(request, "consultations"),
                entries=entries)
    return feed_response(request, body, entries)


@view_config(route_name="consultation_feed", request_method="GET")
def consultation_feed(context, request):
    consultation = context.consultation  # an unknown consultation: 404, from the factory
    entries = feed_queries.latest(request.engage.db, consultation.consultation_id)
    body = atom(request, feed_id=urn(f"consultation/{consultation.consultation_id}"),
                title=request.localizer.translate(_("Consultation : ${title}", mapping={"title": consultation.title})),
                self_url=public_url(request, "consultation_feed", ref=consultation.slug),
                page_url=public_url(request, "consultation", ref=consultation.slug), entries=entries)
    return feed_response(request, body, entries)
