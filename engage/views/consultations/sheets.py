"""The paper of an in-person meeting, as PDF: numbered contribution sheets and the sign-in sheet.

fpdf2 writes the pages with DejaVu Sans (Debian's fonts-dejavu-core, installed by
scripts/ensure-fonts.sh from `make venv`, `make serve` and `make test`); segno encodes the QR
code, drawn as one square per dark module, with a link annotation to the same address.
Every string arrives translated; nothing personal is printed (the sign-in sheet is empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT = "DejaVu"
MARGIN = 15.0  # mm
QR_MODULE = 1.2  # mm: a 33-module code is 4 cm wide, easily read by a phone
QR_BORDER = 4  # modules of light margin the QR specification asks for
SIGN_IN_ROWS = 20  # rows per sign-in page


class FontMissing(RuntimeError):
    """The PDF font is not installed."""


@dataclass(frozen=True)
class MeetingPaper:
    """What every printed page of a meeting says (translated strings)."""

    city: str
    meeting_title: str
    meeting_when: str
    meeting_place: str
    consultation_title: str
    questions: tuple[str, ...]
    url: str  # the consultation's public page (engage.public_url), in the QR code
    labels: dict  # the fixed texts, translated: see the views


def font_paths(font_dir: Path = FONT_DIR) -> dict[str, Path]:
    paths = {style: font_dir / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FontMissing(f"PDF font missing: {', '.join(missing)}; install Debian's fonts-dejavu-core"
                          " (scripts/ensure-fonts.sh, run by make venv, serve and test)")
    return paths


def _document(title: str, font_dir: Path) -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    for style, path in font_paths(font_dir).items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_title(title)
    pdf.set_creator("engage")
    pdf.set_lang("fr")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    return pdf


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules, dark True, row by row (without its light border)."""
    return [[bool(module) for module in row] for row in segno.make(url, error="m", micro=False).matrix]


def dark_runs(modules: list[bool]) -> list[tuple[int, int]]:
    """(first column, length) of each run of dark modules in a row."""
    runs, start = [], None
    for column, dark in enumerate([*modules, False]):
        if dark and start is None:
            start = column
        elif not dark and start is not None:
            runs.append((start, column - start))
            start = None
    return runs


def _draw_qr(pdf: FPDF, url: str, matrix: list[list[bool]], x: float, y: float) -> float:
    """Draw the code with its top-left corner (border included) at x, y, one filled rectangle
    per run of dark modules in a row; its width in mm."""
    side = (len(matrix) + 2 * QR_BORDER) * QR_MODULE
    pdf.set_fill_color(0, 0, 0)
    for row, modules in enumerate(matrix):
        for start, length in dark_runs(modules):
            pdf.rect(x + (QR_BORDER + start) * QR_MODULE, y + (QR_BORDER + row) * QR_MODULE,
                     length * QR_MODULE, QR_MODULE, style="F")
    pdf.link(x, y, side, side, url)
    return side


def _heading(pdf: FPDF, paper: MeetingPaper, title: str, number: str | None = None) -> None:
    """City, the page's title, and on contribution sheets the sheet's number in large type."""
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 5, paper.city, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if number:
        pdf.set_xy(MARGIN, MARGIN)
        pdf.set_font(FONT, "", 9)
        pdf.cell(0, 5, paper.labels["number"], align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "B", 26)
        pdf.cell(0, 11, number, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 9, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 5.5, paper.consultation_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    for line in (paper.meeting_title, paper.meeting_when, paper.meeting_place):
        pdf.multi_cell(0, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def contribution_sheets(paper: MeetingPaper, labels: list[str], *, font_dir: Path = FONT_DIR) -> bytes:
    """One A4 page per sheet label: the meeting, the consultation and its questions, lines to
    write on, the number (check digit included) at the top and again by the QR code."""
    pdf = _document(paper.labels["sheets_title"], font_dir)
    matrix = qr_matrix(paper.url)
    side = (len(matrix) + 2 * QR_BORDER) * QR_MODULE
    for label in labels:
        pdf.add_page()
        _heading(pdf, paper, paper.labels["sheets_title"], label)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 5.5, paper.labels["questions"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 10)
        for question in paper.questions:
            pdf.multi_cell(0, 5, f"• {question}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 5.5, paper.labels["write_here"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(0, 4, paper.labels["privacy"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        qr_x, qr_y = pdf.w - MARGIN - side, pdf.h - MARGIN - side
        y = pdf.get_y() + 9
        pdf.set_draw_color(150, 150, 150)
        while y < qr_y - 2:
            pdf.line(MARGIN, y, pdf.w - MARGIN, y)
            y += 9
        _draw_qr(pdf, paper.url, matrix, qr_x, qr_y)
        pdf.set_xy(MARGIN, qr_y + QR_BORDER * QR_MODULE)
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(qr_x - MARGIN - 4, 4.5, paper.labels["online"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(qr_x - MARGIN - 4, 4, paper.url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "B", 14)
        pdf.cell(qr_x - MARGIN - 4, 8, f"{paper.labels['number']} {label}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def sign_in_sheet(paper: MeetingPaper, *, rows: int = 2 * SIGN_IN_ROWS, font_dir: Path = FONT_DIR) -> bytes:
    """The sign-in sheet: an empty table (row, name, optional card number, signature), so the
    headcount can be taken; nothing about anyone is printed."""
    pdf = _document(paper.labels["sign_in_title"], font_dir)
    columns = [(paper.labels["row"], 12), (paper.labels["name"], 70), (paper.labels["card"], 48),
               (paper.labels["signature"], 0)]
    widths = [w or (210 - 2 * MARGIN - sum(c[1] for c in columns)) for _t, w in columns]
    for start in range(0, rows, SIGN_IN_ROWS):
        pdf.add_page()
        _heading(pdf, paper, paper.labels["sign_in_title"])
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(0, 4, paper.labels["sign_in_note"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        pdf.set_font(FONT, "B", 9)
        pdf.set_draw_color(0, 0, 0)
        for (title, _w), width in zip(columns, widths):
            pdf.cell(width, 8, title, border=1, align="C")
        pdf.ln(8)
        pdf.set_font(FONT, "", 9)
        for row in range(start + 1, min(start + SIGN_IN_ROWS, rows) + 1):
            for index, width in enumerate(widths):
                pdf.cell(width, 10, str(row) if index == 0 else "", border=1, align="C")
            pdf.ln(10)
    return bytes(pdf.output())
