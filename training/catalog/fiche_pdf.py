"""The « fiche réflexe » of a course version as a one-page A4 PDF, drawn with reportlab.

Same toolchain as the certificates (certificates/pdf.py: reportlab, DejaVu Sans); the text
flows with reportlab's own layout engine (platypus), from the sheet's sections read by
content/fiche.py, review notes left out. The sheet's size is capped by the course checker so
that it holds on one page at the normal size; should it not, the text is set a little smaller
rather than spill onto a second page. A version's Markdown never changes, so each PDF is made
once per process and kept (a few kilobytes each).
"""

import functools
import io

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from training.certificates.pdf import BOLD, REGULAR, register_fonts
from training.content.fiche import fiche_sections

BLUE = HexColor("#000091")
INK = HexColor("#161616")
GREY = HexColor("#3A3A3A")
MARGIN = 15 * mm
#: Body text sizes tried in turn, until the sheet holds on one page.
BODY_SIZES = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0)


def _styles(size: float) -> dict[str, ParagraphStyle]:
    return {
        "course": ParagraphStyle("course", fontName=REGULAR, fontSize=size, leading=size * 1.3,
                                 textColor=GREY, spaceAfter=2 * mm),
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=size + 7, leading=(size + 7) * 1.2,
                                textColor=BLUE, spaceAfter=3 * mm),
        "heading": ParagraphStyle("heading", fontName=BOLD, fontSize=size + 2.5,
                                  leading=(size + 2.5) * 1.25, textColor=BLUE,
                                  spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        "text": ParagraphStyle("text", fontName=REGULAR, fontSize=size, leading=size * 1.3,
                               textColor=INK, spaceAfter=1 * mm),
    }  # fmt: skip


def _story(title: str, course_title: str, body: str, size: float) -> list:
    styles = _styles(size)
    story: list = [
        Paragraph(_escape(course_title), styles["course"]),
        Paragraph(_escape(title), styles["title"]),
    ]
    sections, _before = fiche_sections(body)
    for section in sections:
        flowables = [Paragraph(_escape(section.heading), styles["heading"])]
        for block in section.blocks:
            indent = 5 * mm * block.depth
            style = ParagraphStyle(
                f"block{block.depth}",
                parent=styles["text"],
                leftIndent=indent,
                bulletIndent=indent - 4 * mm,
                bulletFontName=REGULAR,
            )
            bullet = ("•" if block.depth == 1 else "–") if block.depth else None
            flowables.append(Paragraph(block.markup, style, bulletText=bullet))
        # A heading never ends a page alone.
        story += [KeepTogether(flowables[:2]), *flowables[2:]]
    story.append(Spacer(1, 2 * mm))
    return story


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _build(title: str, course_title: str, body: str, size: float) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        subject=course_title,
        author="Plateforme de formation contre la traite des êtres humains",
        lang="fr-FR",
    )
    document.build(_story(title, course_title, body, size))
    return buffer.getvalue(), document.page


def fit_fiche(title: str, course_title: str, body: str) -> tuple[bytes, float]:
    """The sheet as a PDF and the text size used: the largest of BODY_SIZES that holds on one
    page (the smallest if none does, which the checker's limits rule out)."""
    register_fonts()
    registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    for size in BODY_SIZES:
        pdf, pages = _build(title, course_title, body, size)
        if pages == 1:
            break
    return pdf, size


@functools.lru_cache(maxsize=64)
def render_fiche_pdf(title: str, course_title: str, body: str) -> bytes:
    """The sheet `title` of the course `course_title`, from its Markdown `body`, as a PDF:
    one A4 page, at the largest text size that holds on it."""
    return fit_fiche(title, course_title, body)[0]
