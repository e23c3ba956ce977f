from pathlib import Path

import pytest

from knowledge.documents import parse_html, parse_markdown, read_document
from knowledge.errors import KnowledgeSourceError

from .conftest import FIXTURE_SOURCE

DOCS = FIXTURE_SOURCE / "docs"


def test_markdown_front_matter_and_sections() -> None:
    doc = read_document(DOCS / "ce-marking.md", DOCS)
    assert doc.path == "ce-marking.md"
    assert doc.title == "CE marking"
    assert doc.topic == "compliance"
    assert doc.markets == ("EU",)
    headings = [section.heading for section in doc.sections]
    assert headings == ["", "When is CE required", "Documents we supply"]
    assert "not a heading" in doc.sections[-1].body  # '## ' inside a code fence stays text


def test_markdown_title_falls_back_to_h1_then_file_name() -> None:
    assert parse_markdown("# Shipping guide\n\n## Ports\nNingbo.", "a.md").title == "Shipping guide"
    assert parse_markdown("## Ports\nNingbo.", "sea-freight.md").title == "Sea freight"


def test_invalid_front_matter_is_reported() -> None:
    with pytest.raises(KnowledgeSourceError, match=r"bad\.md"):
        parse_markdown("---\ntitle: [unclosed\n---\nbody", "bad.md")


def test_html_sections_start_at_h2() -> None:
    doc = read_document(DOCS / "warranty.html", DOCS)
    assert doc.title == "Warranty and returns"
    assert doc.topic == "after-sales"
    assert doc.markets == ("ALL",)
    sections = {section.heading: section.body for section in doc.sections}
    assert sections[""] == "Our warranty starts on the bill of lading date."
    assert "five-year warranty" in sections["Warranty period"]
    assert "Failure rate above 1%" in sections["Warranty period"]
    assert "batch number" in sections["How to claim"]


def test_html_without_title_uses_h1() -> None:
    doc = parse_html("<h1>Packing</h1><h2>Cartons</h2><p>Five-layer cartons.</p>", "p.html")
    assert doc.title == "Packing"
    assert [s.heading for s in doc.sections] == ["Cartons"]


def _write_pdf(path: Path, pages: list[list[str]], title: str = "Photometry report") -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_font("helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def test_pdf_numbered_headings_become_sections(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    _write_pdf(
        path,
        [
            ["1 Scope", "This report covers the FL-SP-200W floodlight."],
            ["2 Test results", "Measured flux 28150 lm at 25 C.", "Efficacy 141 lm/W."],
        ],
    )
    doc = read_document(path, tmp_path)
    assert doc.title == "Photometry report"
    sections = {section.heading: section.body for section in doc.sections}
    assert set(sections) == {"1 Scope", "2 Test results"}
    assert "28150 lm" in sections["2 Test results"]


def test_pdf_without_headings_is_split_by_page(tmp_path: Path) -> None:
    path = tmp_path / "leaflet.pdf"
    _write_pdf(path, [["Our panels ship in five-layer cartons."], ["Pallets are fumigated."]])
    doc = read_document(path, tmp_path)
    assert [section.heading for section in doc.sections] == ["Page 1", "Page 2"]


def test_unreadable_pdf_raises_source_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(KnowledgeSourceError):
        read_document(path, tmp_path)
