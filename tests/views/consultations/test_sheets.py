"""Numbered contribution sheets through the web: staff number and download them (PDF read back:
numbers with their check digit, titles, the QR code's address), the sign-in sheet, the
transcription's refusals, and the sheet shown with the contribution, in the restitution and
in the open data."""

from __future__ import annotations

import hashlib
import io
import re
from uuid import UUID

import pytest
import segno
from pypdf import PdfReader
from pypdf.generic import ContentStream

from engage.domain.consultations.model import consultation_id
from engage.views.consultations import sheets
from tests.common.accounts import with_roles as resident
from tests.common.consultations import THEMES, create_via_web

PUBLIC_PAGE = "http://localhost/consultations/charte"  # engage.public_url in the tests' settings
POINTS_PER_MM = 72 / 25.4
SCAN = b"%PDF-1.4 scan de la feuille"
SCAN_SHA256 = hashlib.sha256(SCAN).hexdigest()


def new_meeting(editor_app) -> str:
    """An in-person meeting of the consultation made by create_via_web; its page's path."""
    form = editor_app.get("/consultations/charte/reunions/nouvelle").forms["meeting"]
    form["title"] = "Réunion publique du 11e"
    form["starts_at"] = "2026-12-03T18:30"
    form["place"], form["arrondissement"] = "Mairie du 11e", "11"
    return form.submit("submit", status=303).location


def number_sheets(editor_app, meeting: str, count: str) -> str:
    form = editor_app.get(meeting + "/feuilles").forms["sheets"]
    form["count"] = count
    return form.submit("submit", status=303).follow().text


def qr_drawn(page) -> list[list[bool]]:
    """The QR code as drawn on a page: its filled rectangles one module high, back to a matrix."""
    module = sheets.QR_MODULE * POINTS_PER_MM
    runs = [[float(v) for v in operands] for operands, operator in ContentStream(page.get_contents(), None).operations
            if operator == b"re" and abs(float(operands[3]) + module) < 0.02]
    left, top = min(r[0] for r in runs), max(r[1] for r in runs)
    size = round((max(r[0] + r[2] for r in runs) - left) / module)
    matrix = [[False] * size for _ in range(size)]
    for x, y, width, _height in runs:
        row, column = round((top - y) / module), round((x - left) / module)
        for offset in range(round(width / module)):
            matrix[row][column + offset] = True
    return matrix


def test_staff_number_sheets_and_download_them_and_the_sign_in_sheet(editor_app):
    create_via_web(editor_app)
    meeting = new_meeting(editor_app)
    refused = editor_app.get(meeting + "/feuilles").forms["sheets"]
    refused["count"] = "201"
    assert "200 feuilles au plus" in refused.submit("submit", status=400).text
    page = number_sheets(editor_app, meeting, "3")
    assert "Feuilles 000001-8 à 000003-4 numérotées" in page
    link = re.search(r'href="([^"]+/feuilles/1\.pdf)"', page).group(1)

    pdf = editor_app.get(link, status=200)
    assert pdf.content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.body))
    assert len(reader.pages) == 3
    for page_, label in zip(reader.pages, ["000001-8", "000002-6", "000003-4"]):
        text = page_.extract_text()
        assert label in text and "Charte parisienne de la participation" in text
        assert "Réunion publique du 11e" in text and "3 décembre 2026" in text and "Mairie du 11e" in text
        assert all(theme in text for theme in THEMES)
        (link_annotation,) = [a.get_object() for a in page_["/Annots"]]
        assert link_annotation["/A"]["/URI"] == PUBLIC_PAGE
        expected = [[bool(m) for m in row] for row in segno.make(PUBLIC_PAGE, error="m", micro=False).matrix]
        assert qr_drawn(page_) == expected

    sign_in = editor_app.get(meeting + "/emargement.pdf", status=200)
    assert sign_in.content_type == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(sign_in.body)).pages)
    assert "Feuille d'émargement" in text and "Nom et prénom" in text and "Signature" in text
    assert "Réunion publique du 11e" in text
    editor_app.get(meeting + "/feuilles/4.pdf", status=404)
    editor_app.get(meeting + "/feuilles/x.pdf", status=404)


def test_sheets_are_for_staff_only(editor_app, make_app):
    create_via_web(editor_app)
    meeting = new_meeting(editor_app)
    number_sheets(editor_app, meeting, "1")
    anonymous = make_app()
    for path in ("/feuilles", "/feuilles/1.pdf", "/emargement.pdf"):
        assert "/compte/connexion" in anonymous.get(meeting + path, status=303).location
    resident(anonymous, "camille@exemple.fr", "Camille du 11e")
    for path in ("/feuilles", "/feuilles/1.pdf", "/emargement.pdf"):
        anonymous.get(meeting + path, status=403)
    assert "feuilles/1.pdf" not in anonymous.get(meeting).text


def test_an_online_meeting_has_no_sheets(editor_app):
    create_via_web(editor_app)
    form = editor_app.get("/consultations/charte/reunions/nouvelle").forms["meeting"]
    form["title"], form["starts_at"] = "Réunion en ligne", "2026-12-03T18:30"
    form["online_url"] = "https://visio.exemple.fr/charte"
    meeting = form.submit("submit", status=303).location
    form = editor_app.get(meeting + "/feuilles").forms["sheets"]
    assert "réunion en ligne" in form.submit("submit", status=400).text


def transcribe(editor_app, meeting, sheet, status):
    form = editor_app.get(meeting + "/transcrire").forms["transcription"]
    form["sheet"] = sheet
    form["kind"], form["theme"] = "proposition", THEMES[2]
    form["text"] = "Tirer au sort une partie des conseillers de quartier."
    form["scan"] = ("scan.pdf", SCAN)
    return form.submit("submit", status=status)


REFUSALS = [
    ("000001-9", "La clé de contrôle ne correspond pas"),
    ("000004-2", "aucune série imprimée pour cette réunion"),  # a sheet of the other meeting
    ("", "Indiquez le numéro imprimé sur la feuille"),
    ("douze", "clé de contrôle comprise"),
]


def test_a_sheet_of_the_meeting_is_transcribed_once_then_shown_in_the_restitution_and_open_data(
        editor_app, make_app):
    create_via_web(editor_app)
    meeting, other = new_meeting(editor_app), new_meeting(editor_app)
    number_sheets(editor_app, meeting, "3")
    number_sheets(editor_app, other, "1")  # 000004-2
    for sheet, message in REFUSALS:
        assert message in transcribe(editor_app, meeting, sheet, 400).text, sheet
    assert "Tirer au sort" not in editor_app.get("/consultations/charte").text
    transcribe(editor_app, meeting, "000002 6", 303)
    again = transcribe(editor_app, meeting, "000002-6", 400)
    assert "déjà été transcrite" in again.text

    visitor = make_app()
    listing = visitor.get("/consultations/charte?canal=en-presentiel")
    item_url = listing.html.select("ol.contributions a")[0]["href"]
    assert "000002-6" in visitor.get(item_url).text
    services = editor_app.app.registry.engage
    services.app.start_phase(consultation_id("charte"), "restitution", started_by=UUID(int=7))
    services.engine.catch_up()
    editor_app.get(item_url + "/citer").forms["quote"].submit("submit", status=303)
    report = visitor.get("/consultations/charte/restitution").text
    quote = report[report.index('id="quotes-title"'):report.index('id="answers-title"')]
    assert "000002-6" in quote and SCAN_SHA256 in quote
    (row,) = visitor.get("/api/contributions").json["data"]
    assert row["sheet"] == "000002-6" and row["scan_sha256"] == SCAN_SHA256


def test_a_missing_font_is_named_with_the_way_to_install_it(tmp_path):
    with pytest.raises(sheets.FontMissing, match="DejaVuSans.ttf.*fonts-dejavu-core"):
        sheets.font_paths(tmp_path)
