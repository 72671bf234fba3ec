"""The certificate PDF, read back as a person's PDF reader would: text, fonts, page, layout."""

import io
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from tests.certificates.conftest import needs_tools, scan_qr_code
from training.certificates import signing
from training.certificates.data import french_duration
from training.certificates.pdf import (
    ABSOLUTE_MIN_SIZE,
    BOLD,
    LEADING,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PAYLOAD_FILENAME,
    REGULAR,
    SIGNATURE_FILENAME,
    TEXT_LEFT,
    TEXT_RIGHT,
    TEXT_WIDTH,
    fit_text,
    render_certificate_pdf,
)

LONG_NAME = ("Maria-Łucja Żółkiewska-Nguyễn Thị Ánh de la Fontaine-Saint-Exupéry " * 4)[:200]


def page_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def compact(text: str) -> str:
    return "".join(text.split())


def drawn_lines(pdf: bytes) -> list[tuple[str, float, float, float, str]]:
    """Each line of text drawn on the page: text, x, y, font size, font name."""
    lines = []

    def visit(text, _cm, tm, font_dict, font_size):
        if text.strip():
            font = BOLD if "Bold" in str(font_dict["/BaseFont"]) else REGULAR
            lines.append((text.strip("\n"), tm[4], tm[5], font_size, font))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return lines


def test_the_pdf_states_the_certificate_in_french(make_data):
    text = page_text(render_certificate_pdf(make_data()))
    for expected in (
        "Miprof — ENM",
        "ATTESTATION DE FORMATION",
        "Nguyễn Thị Ánh",
        "Repérer et signaler la traite des êtres humains : le tronc commun",
        "Version 2",
        "Durée estimée : 2 h 30",
        "Formation achevée le 28 novembre 2026",
        "Attestation valable jusqu’au 28 novembre 2028",
        "TEH-7K3M-9QX2-P4AT",
        "Vérifier : https://formation.exemple.gouv.fr/verifier/TEH-7K3M-9QX2-P4AT",
    ):
        assert expected in text


def test_a_certificate_without_expiry_says_so(make_data):
    text = page_text(render_certificate_pdf(make_data(expires_on=None)))
    assert "Attestation sans date d’expiration" in text
    assert "valable jusqu" not in text


def test_the_first_of_the_month_is_written_the_french_way(make_data):
    data = make_data(completed_on=date(2026, 12, 1), expires_on=date(2027, 12, 1))
    text = page_text(render_certificate_pdf(data))
    assert "Formation achevée le 1er décembre 2026" in text
    assert "jusqu’au 1er décembre 2027" in text


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Ánh",
        "Łukasz Żółć",
        "Đặng Văn Lâm",
        "Ștefan Țărănescu",
        "Zoë Ørsted-Ångström",
        "Ærøskøbing Œuvray",
        "Dvořák Šťastný",
    ],
)
def test_names_in_any_latin_script_come_out_letter_for_letter(make_data, name):
    assert name in page_text(render_certificate_pdf(make_data(holder_name=name)))


def test_a_name_typed_with_combining_accents_is_drawn_with_the_fonts_letters(make_data):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert decomposed != "Nguyễn Thị Ánh"
    assert "Nguyễn Thị Ánh" in page_text(render_certificate_pdf(make_data(holder_name=decomposed)))


def test_the_page_is_a4_landscape_with_dejavu_embedded(make_data):
    reader = PdfReader(io.BytesIO(render_certificate_pdf(make_data())))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    fonts = reader.pages[0]["/Resources"]["/Font"].values()
    names = {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in fonts}
    assert names == {"DejaVuSans", "DejaVuSans-Bold"}
    for font in fonts:
        assert "/FontFile2" in font.get_object()["/FontDescriptor"]  # embedded, not referenced


def test_the_document_metadata_is_in_french(make_data):
    reader = PdfReader(io.BytesIO(render_certificate_pdf(make_data())))
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
    assert reader.metadata.title.startswith("Attestation de formation — Repérer")
    assert reader.metadata.author == "Miprof — ENM"


def test_a_200_character_name_wraps_inside_the_page(make_data):
    pdf = render_certificate_pdf(make_data(holder_name=LONG_NAME))
    assert compact(LONG_NAME) in compact(page_text(pdf))
    name_lines = [line for line in drawn_lines(pdf) if compact(line[0]) in compact(LONG_NAME)]
    assert len(name_lines) >= 2
    assert {size for *_, size, _font in name_lines} == {14.0}


@pytest.mark.parametrize(
    "name",
    [
        "Camille Martin",
        LONG_NAME,
        "A" * 200,  # one word longer than a line: cut between letters
        "Ŵ" * 200,  # among the widest glyphs of the font
        "Jean " * 400,  # far beyond any accepted name: shrinks past the floor, then « … »
    ],
)
def test_no_line_of_text_leaves_the_text_column(make_data, name):
    pdf = render_certificate_pdf(make_data(holder_name=name, course_title=name[:180]))
    for text, x, y, size, font in drawn_lines(pdf):
        width = pdfmetrics.stringWidth(text, font, size)
        assert x >= TEXT_LEFT - 0.01, text
        assert x + width <= TEXT_RIGHT + 0.01, text
        assert 0 < y < PAGE_HEIGHT, text
        assert size >= ABSOLUTE_MIN_SIZE


def test_fit_text_shrinks_to_the_floor_before_wrapping():
    shrunk = fit_text("Anne-Charlotte de Saint-Exupéry", BOLD, **_NAME_BOX)
    assert len(shrunk.lines) == 1
    assert shrunk.size == 30
    longer = fit_text("Anne-Charlotte " * 4, BOLD, **_NAME_BOX)
    assert len(longer.lines) == 1
    assert 14 <= longer.size < 30
    wrapped = fit_text("Anne-Charlotte " * 8, BOLD, **_NAME_BOX)
    assert wrapped.size == 14
    assert len(wrapped.lines) == 2


def test_fit_text_never_exceeds_its_box():
    block = fit_text("Jean " * 1000, BOLD, **_NAME_BOX)
    assert block.size == ABSOLUTE_MIN_SIZE
    assert block.height <= _NAME_BOX["max_height"]
    assert block.lines[-1].endswith("…")
    assert all(pdfmetrics.stringWidth(line, BOLD, block.size) <= TEXT_WIDTH for line in block.lines)
    assert len(block.lines) * block.size * LEADING <= 84


_NAME_BOX = {"max_size": 30, "min_size": 14, "width": TEXT_WIDTH, "max_height": 84}


def test_the_page_is_wider_than_it_is_tall():
    assert PAGE_WIDTH > PAGE_HEIGHT


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(0, "0 min"), (45, "45 min"), (60, "1 h"), (65, "1 h 05"), (150, "2 h 30"), (600, "10 h")],
)
def test_course_durations_are_written_the_french_way(minutes, expected):
    assert french_duration(minutes) == expected


def test_an_unsigned_pdf_has_no_attachments(make_data):
    reader = PdfReader(io.BytesIO(render_certificate_pdf(make_data())))
    assert dict(reader.attachments) == {}
    assert "signée électroniquement" not in page_text(render_certificate_pdf(make_data()))


def test_a_signed_pdf_carries_the_payload_and_its_signature(make_data, signing_key):
    data = make_data()
    pdf = render_certificate_pdf(data, signing_key=signing_key)
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    assert attachments[PAYLOAD_FILENAME] == [signing.canonical_payload(data)]
    (signature,) = attachments[SIGNATURE_FILENAME]
    assert len(signature) == 64
    signing.verify_signed_payload(
        signing.canonical_payload(data), signature, signing_key.public_key()
    )
    assert "Attestation signée électroniquement (Ed25519)" in page_text(pdf)


def test_the_qr_code_is_drawn_as_vector_rectangles(make_data):
    """No image: the QR code prints sharp at any size, and the file stays small."""
    pdf = render_certificate_pdf(make_data())
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "/XObject" not in page["/Resources"]
    assert b" re" in page.get_contents().get_data()
    assert len(pdf) < 80_000


@needs_tools("pdftoppm", "zbarimg")
def test_the_qr_code_scans_to_the_verification_url(tmp_path, make_data):
    scanned = scan_qr_code(render_certificate_pdf(make_data()), tmp_path)
    assert scanned == make_data().verification_url
