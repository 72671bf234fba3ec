"""The certificate as a PDF: drawing the page, embedding its signed payload, reading it back.

One A4 landscape page in French, drawn with reportlab on demand (a few milliseconds), in
DejaVu Sans shipped under fonts/ (it has the Vietnamese and Polish letters that reportlab's
own fonts lack). Long names and titles shrink to a floor size, then wrap: no text ever leaves
the page. The QR code is drawn as vector rectangles from segno's module matrix, sharp at any
print size. When a signing key is given, the canonical payload and its Ed25519 signature are
attached as the standard embedded files `certificate.json` and `certificate.sig`, and the
finished file is signed as a whole with a PAdES signature (pades.py) that PDF readers show.
"""

import functools
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from training.certificates import pades, signing
from training.certificates.data import CertificateData, french_duration
from training.timeutils import french_date

PAYLOAD_FILENAME = "certificate.json"
SIGNATURE_FILENAME = "certificate.sig"

FONT_DIRECTORY = Path(__file__).parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
FRAME_INSET = 28
#: Left and right edges of every line of text.
TEXT_LEFT = 72
TEXT_RIGHT = PAGE_WIDTH - 72
TEXT_WIDTH = TEXT_RIGHT - TEXT_LEFT
LEADING = 1.2
#: No text is ever drawn smaller than this, even a 200-character name (it wraps first).
ABSOLUTE_MIN_SIZE = 6.0

BLUE = HexColor("#000091")
RED = HexColor("#E1000F")
INK = HexColor("#161616")
GREY = HexColor("#3A3A3A")

logger = logging.getLogger(__name__)

# Binary font streams rather than ASCII85 ones: a fifth smaller and quicker to write. This is a
# reportlab-wide setting, which the other PDF of the application (the course's fiche réflexe,
# catalog/fiche_pdf.py) shares.
rl_config.useA85 = 0


@dataclass(frozen=True)
class TextBlock:
    """Text fitted to a box: the font size chosen and the lines to draw."""

    size: float
    lines: list[str]

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def render_certificate_pdf(
    data: CertificateData, *, signing_key: Ed25519PrivateKey | None = None
) -> bytes:
    """The certificate's PDF. With a key, it carries its signed payload for offline checks,
    and the whole file is signed (PAdES) after the payload is attached."""
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        initialFontName=REGULAR,
        lang="fr-FR",
    )
    canvas.setTitle(f"Attestation de formation — {data.course_title}")
    canvas.setAuthor(data.issuer)
    canvas.setSubject(f"{data.holder_name} — {data.code}")
    canvas.setCreator(data.issuer)
    _draw_page(canvas, data, signed=signing_key is not None)
    if signing_key is not None:
        payload = signing.canonical_payload(data)
        _embed_files(
            canvas,
            [
                (PAYLOAD_FILENAME, "application/json", payload, "Contenu signé de l’attestation"),
                (
                    SIGNATURE_FILENAME,
                    "application/octet-stream",
                    signing.sign(payload, signing_key),
                    "Signature Ed25519 de certificate.json",
                ),
            ],
        )
    canvas.showPage()
    canvas.save()
    if signing_key is None:
        return buffer.getvalue()
    return pades.sign_document(buffer.getvalue(), signing_key, data.issuer)


# --- fitting text ---------------------------------------------------------------------------


def fit_text(
    text: str,
    font: str,
    *,
    max_size: float,
    min_size: float,
    width: float,
    max_height: float,
) -> TextBlock:
    """Shrink the text down to min_size to keep it on one line, then wrap it.

    If wrapped lines at min_size are still too tall for the box, the size goes on down to
    ABSOLUTE_MIN_SIZE, and past that the last line ends with « … »: nothing leaves the box.
    """
    _register_fonts()
    size = max_size
    while size >= min_size:
        if pdfmetrics.stringWidth(text, font, size) <= width:
            return TextBlock(size, [text])
        size -= 0.5
    size = min_size
    while True:
        lines = wrap_text(text, font, size, width)
        if len(lines) * size * LEADING <= max_height or size <= ABSOLUTE_MIN_SIZE:
            break
        size = max(ABSOLUTE_MIN_SIZE, size - 0.5)
    max_lines = max(1, int(max_height // (size * LEADING)))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _with_ellipsis(lines[-1], font, size, width)
    return TextBlock(size, lines)


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy wrap at spaces; a word wider than the line is cut between letters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = list(_cut_word(word, font, size, width))
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        lines.append(current)
    return lines


def _cut_word(word: str, font: str, size: float, width: float) -> Iterator[str]:
    piece = ""
    for character in word:
        if piece and pdfmetrics.stringWidth(piece + character, font, size) > width:
            yield piece
            piece = ""
        piece += character
    yield piece


def _with_ellipsis(line: str, font: str, size: float, width: float) -> str:
    while line and pdfmetrics.stringWidth(line + "…", font, size) > width:
        line = line[:-1]
    return line.rstrip() + "…"


# --- drawing --------------------------------------------------------------------------------


def _draw_page(canvas: Canvas, data: CertificateData, *, signed: bool) -> None:
    centre = PAGE_WIDTH / 2
    _draw_frame(canvas)

    issuer = fit_text(data.issuer, BOLD, max_size=14, min_size=9, width=TEXT_WIDTH, max_height=34)
    _draw_block(canvas, issuer, BOLD, top=PAGE_HEIGHT - 62, colour=BLUE)

    canvas.setFillColor(BLUE)
    canvas.setFont(BOLD, 30)
    canvas.drawCentredString(centre, PAGE_HEIGHT - 128, "ATTESTATION DE FORMATION")
    canvas.setFillColor(RED)
    canvas.rect(centre - 40, PAGE_HEIGHT - 144, 80, 2.5, stroke=0, fill=1)

    canvas.setFillColor(GREY)
    canvas.setFont(REGULAR, 13)
    canvas.drawCentredString(centre, PAGE_HEIGHT - 176, "Cette attestation est délivrée à")

    name = fit_text(
        data.holder_name, BOLD, max_size=30, min_size=14, width=TEXT_WIDTH, max_height=84
    )
    _draw_block(canvas, name, BOLD, top=PAGE_HEIGHT - 190, box_height=84, colour=INK)

    canvas.setFillColor(GREY)
    canvas.setFont(REGULAR, 13)
    canvas.drawCentredString(centre, PAGE_HEIGHT - 296, "pour avoir suivi avec succès la formation")
    title = fit_text(
        data.course_title, BOLD, max_size=19, min_size=11, width=TEXT_WIDTH, max_height=48
    )
    _draw_block(canvas, title, BOLD, top=PAGE_HEIGHT - 308, box_height=48, colour=BLUE)

    canvas.setFillColor(INK)
    canvas.setFont(REGULAR, 11.5)
    details = (
        f"Version {data.course_version} · Durée estimée : {french_duration(data.course_minutes)}"
    )
    canvas.drawCentredString(centre, PAGE_HEIGHT - 378, details)
    canvas.setFont(REGULAR, 12.5)
    canvas.drawCentredString(
        centre, PAGE_HEIGHT - 402, f"Formation achevée le {french_date(data.completed_on)}"
    )
    validity = (
        f"Attestation valable jusqu’au {french_date(data.expires_on)}"
        if data.expires_on
        else "Attestation sans date d’expiration"
    )
    canvas.drawCentredString(centre, PAGE_HEIGHT - 420, validity)

    _draw_code(canvas, data.code, signed=signed)
    _draw_qr(canvas, data.verification_url)


def _draw_frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(BLUE)
    canvas.setLineWidth(2)
    canvas.rect(
        FRAME_INSET, FRAME_INSET, PAGE_WIDTH - 2 * FRAME_INSET, PAGE_HEIGHT - 2 * FRAME_INSET
    )
    canvas.setLineWidth(0.6)
    inner = FRAME_INSET + 6
    canvas.rect(inner, inner, PAGE_WIDTH - 2 * inner, PAGE_HEIGHT - 2 * inner)


def _draw_block(
    canvas: Canvas,
    block: TextBlock,
    font: str,
    *,
    top: float,
    colour: Any,
    box_height: float | None = None,
    left: float = TEXT_LEFT,
    width: float = TEXT_WIDTH,
    align: str = "centre",
) -> None:
    """Draw the lines from `top` down, centred vertically in the box when one is given."""
    canvas.setFillColor(colour)
    canvas.setFont(font, block.size)
    line_height = block.size * LEADING
    offset = (box_height - block.height) / 2 if box_height else 0
    baseline = top - offset - block.size
    for line in block.lines:
        if align == "right":
            canvas.drawRightString(left + width, baseline, line)
        elif align == "left":
            canvas.drawString(left, baseline, line)
        else:
            canvas.drawCentredString(left + width / 2, baseline, line)
        baseline -= line_height


def _draw_code(canvas: Canvas, code: str, *, signed: bool) -> None:
    canvas.setFillColor(GREY)
    canvas.setFont(REGULAR, 9.5)
    canvas.drawString(TEXT_LEFT, 128, "Code de l’attestation")
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 20)
    canvas.drawString(TEXT_LEFT, 104, code)
    canvas.setFillColor(GREY)
    canvas.setFont(REGULAR, 8)
    canvas.drawString(TEXT_LEFT, 84, "Saisissez ce code sur la page de vérification,")
    canvas.drawString(TEXT_LEFT, 74, "ou scannez le code QR.")
    if signed:
        canvas.drawString(
            TEXT_LEFT, 56, "Attestation signée électroniquement (Ed25519), vérifiable hors ligne."
        )


QR_SIZE = 96
QR_MASK = 4
QR_RIGHT = TEXT_RIGHT
QR_BOTTOM = 84


def _draw_qr(canvas: Canvas, url: str) -> None:
    """The QR code as filled rectangles, one per horizontal run of dark modules."""
    matrix = _qr_matrix(url)
    module = QR_SIZE / len(matrix)
    operators = []
    for row_index, row in enumerate(matrix):
        y = len(matrix) - 1 - row_index
        run_start = None
        for column, dark in enumerate([*row, 0]):
            if dark and run_start is None:
                run_start = column
            elif not dark and run_start is not None:
                operators.append(f"{run_start} {y} {column - run_start} 1 re")
                run_start = None
    canvas.saveState()
    canvas.setFillColor(INK)
    # Whole-module coordinates, scaled once: the page stream stays small and quick to write.
    canvas.translate(QR_RIGHT - QR_SIZE, QR_BOTTOM)
    canvas.scale(module, module)
    canvas.addLiteral("\n".join(operators) + "\nf")
    canvas.restoreState()

    caption = fit_text(
        f"Vérifier : {url}", REGULAR, max_size=8, min_size=6, width=330, max_height=20
    )
    _draw_block(
        canvas,
        caption,
        REGULAR,
        top=QR_BOTTOM - 6,
        colour=GREY,
        left=QR_RIGHT - 330,
        width=330,
        align="right",
    )


@functools.lru_cache(maxsize=256)
def _qr_matrix(url: str) -> tuple[tuple[int, ...], ...]:
    """The QR modules (1 = dark), without the quiet zone: the page around is blank anyway.

    The mask is fixed rather than chosen by segno's penalty scoring, which costs three
    quarters of the encoding time (about 9 of 12 ms). Any of the eight masks makes a valid
    symbol; rendered pages decoded with zbar showed no difference: every mask, and the
    scored choice, decoded 15 certificates out of 15 at 72 dpi, and 13 to 15 at 62 dpi,
    the smallest resolution at which any decoded.
    """
    qr = segno.make(url, error="m", micro=False, mask=QR_MASK)
    return tuple(tuple(row) for row in qr.matrix_iter(border=0))


def register_fonts() -> None:
    """Register DejaVu Sans, regular and bold, with reportlab (once), for any PDF drawn here."""
    _register_fonts()


@functools.cache
def _register_fonts() -> None:
    for name, filename in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIRECTORY / filename)))


# --- embedded files -------------------------------------------------------------------------


def _embed_files(canvas: Canvas, files: list[tuple[str, str, bytes, str]]) -> None:
    """Attach files through the catalogue's /EmbeddedFiles name tree (PDF 1.7, § 7.11.4).

    reportlab has no public API for attachments, so the objects are built with its own PDF
    object classes on the canvas's document. Streams are left uncompressed: the payload is
    a few hundred bytes and stays readable in the raw file.
    """
    document = canvas._doc  # noqa: SLF001 - reportlab exposes no other handle on the document
    entries: list[Any] = []
    for filename, media_type, content, description in sorted(files):
        stream = _ExactStream(
            PDFDictionary(
                {
                    "Type": PDFName("EmbeddedFile"),
                    # reportlab's PDFName leaves "/" unescaped; in a name it must be #2F.
                    "Subtype": "/" + media_type.replace("/", "#2F"),
                    "Params": PDFDictionary({"Size": len(content)}),
                }
            ),
            content=content,
        )
        stream_reference = document.Reference(stream)
        file_specification = PDFDictionary(
            {
                "Type": PDFName("Filespec"),
                "F": PDFString(filename),
                "UF": PDFString(filename),
                "Desc": PDFString(description),
                "AFRelationship": PDFName("Data"),
                "EF": PDFDictionary({"F": stream_reference, "UF": stream_reference}),
            }
        )
        entries += [PDFString(filename), document.Reference(file_specification)]
    canvas.setCatalogEntry(
        "Names", PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": PDFArray(entries)})})
    )


class _ExactStream(PDFStream):
    """A stream whose bytes come back exactly as given.

    reportlab writes `endstream` straight after the content, which is right for its own
    streams (they end with a newline) but not for arbitrary bytes: the end-of-line marker
    the PDF format requires before `endstream` must not count in /Length.
    """

    def format(self, document: Any) -> bytes:
        dictionary = PDFDictionary(dict(self.dictionary.dict, Length=len(self.content)))
        content = document.encrypt.encode(self.content)
        return dictionary.format(document) + b"\nstream\n" + content + b"\nendstream\n"


# --- reading a certificate back -------------------------------------------------------------


def read_signed_payload(pdf: bytes) -> tuple[bytes, bytes]:
    """The embedded payload and signature, as bytes, or SignatureError saying what is missing."""
    try:
        attachments = PdfReader(io.BytesIO(pdf)).attachments
        found = {name: attachments.get(name) for name in (PAYLOAD_FILENAME, SIGNATURE_FILENAME)}
    except Exception as error:  # noqa: BLE001 - any parser failure means the same to the person
        logger.info("Unreadable PDF submitted for verification: %r", error)
        raise signing.SignatureError("ce fichier n’est pas un PDF lisible.") from None
    missing = [name for name, contents in found.items() if not contents]
    if missing:
        raise signing.SignatureError(
            "ce PDF ne contient pas de contenu signé (pièce jointe "
            f"{' et '.join(missing)} absente) : ce n’est pas une attestation signée."
        )
    if any(len(contents) != 1 for contents in found.values()):
        raise signing.SignatureError(
            "ce PDF contient plusieurs pièces jointes du même nom : il a été modifié."
        )
    return found[PAYLOAD_FILENAME][0], found[SIGNATURE_FILENAME][0]


def verify_certificate_pdf(pdf: bytes, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The signed statements of a certificate PDF, once both its signatures are proved genuine.

    In order: the attached statements carry a valid signature; the page shows the signed code
    and name (the most telling message for a page edited around genuine attachments); and the
    document signature (PAdES), made with the same key, covers the whole file with nothing
    added after it, so that no byte of the page, or of anything else, has changed.
    """
    payload, signature = read_signed_payload(pdf)
    statements = signing.verify_signed_payload(payload, signature, public_key)
    page_text = _compact(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    for key, what in (("code", "le code"), ("holder", "le nom du titulaire")):
        if _compact(str(statements.get(key, ""))) not in page_text:
            raise signing.SignatureError(
                f"la signature est valide, mais la page n’affiche pas {what} signé : "
                "le texte de la page a été modifié."
            )
    pades.verify_document_signature(pdf, public_key)
    return statements


def _compact(text: str) -> str:
    return "".join(text.split())
