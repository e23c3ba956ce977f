"""Reading Markdown, HTML and PDF documents into titled sections.

Every reader returns a ``Document`` whose ``sections`` are (heading, body) pairs; the text
before the first section heading is kept as a section with an empty heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import KnowledgeSourceError

DOCUMENT_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".pdf")


@dataclass(frozen=True)
class Section:
    heading: str
    body: str


@dataclass(frozen=True)
class Document:
    path: str  # relative to the documents directory, with forward slashes
    title: str
    topic: str = ""
    markets: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False)


def read_document(path: Path, relative_to: Path) -> Document:
    rel = path.relative_to(relative_to).as_posix()
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        return parse_markdown(path.read_text(encoding="utf-8"), rel)
    if suffix in (".html", ".htm"):
        return parse_html(path.read_text(encoding="utf-8"), rel)
    if suffix == ".pdf":
        return parse_pdf(path, rel)
    raise KnowledgeSourceError(f"{path}: unsupported document type")


def _title_from_path(rel: str) -> str:
    return Path(rel).stem.replace("_", " ").replace("-", " ").strip().capitalize()


def _markets(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = re.split(r"[,\s]+", value) if isinstance(value, str) else list(value)
    return tuple(str(item).strip().upper() for item in items if str(item).strip())


# --- Markdown -------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_FENCE = re.compile(r"^\s*(```|~~~)")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeSourceError(f"invalid front matter: {exc}") from exc
    if not isinstance(meta, dict):
        raise KnowledgeSourceError("front matter must be a mapping")
    return meta, text[match.end() :]


def parse_markdown(text: str, rel: str) -> Document:
    """Split at ``##`` headings; a ``#`` heading is the title unless front matter has one."""
    try:
        meta, body = split_front_matter(text)
    except KnowledgeSourceError as exc:
        raise KnowledgeSourceError(f"{rel}: {exc}") from exc
    title = str(meta.get("title") or "").strip()
    sections: list[Section] = []
    heading = ""
    lines: list[str] = []
    in_fence = False
    for line in body.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and line.startswith("## "):
            sections.append(Section(heading, "\n".join(lines).strip()))
            heading, lines = line[3:].strip().rstrip("#").strip(), []
            continue
        if not in_fence and line.startswith("# ") and not title and not sections and not heading:
            title = line[2:].strip()
            continue
        lines.append(line)
    sections.append(Section(heading, "\n".join(lines).strip()))
    return Document(
        path=rel,
        title=title or _title_from_path(rel),
        topic=str(meta.get("topic") or ""),
        markets=_markets(meta.get("markets")),
        sections=tuple(s for s in sections if s.body or s.heading),
        meta=meta,
    )


# --- HTML -----------------------------------------------------------------------------


def parse_html(text: str, rel: str) -> Document:
    """Title from <title> or <h1>; sections start at each <h2>; meta tags give topic/markets."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "footer"]):
        tag.decompose()
    meta = {
        str(tag.get("name")).lower(): str(tag.get("content", ""))
        for tag in soup.find_all("meta")
        if tag.get("name")
    }
    h1 = soup.find("h1")
    title = (soup.title.get_text(" ", strip=True) if soup.title else "") or (
        h1.get_text(" ", strip=True) if h1 else ""
    )
    if h1 is not None:
        h1.decompose()
    root = soup.body or soup
    sections: list[Section] = []
    heading = ""
    parts: list[str] = []
    for element in root.find_all(["h2", "h3", "h4", "p", "li", "td", "th", "pre", "blockquote"]):
        if element.find_parent(["li", "td", "th", "blockquote"]) is not None:
            continue  # nested: its text is already part of the enclosing block
        text_part = element.get_text(" ", strip=True)
        if element.name == "h2":
            sections.append(Section(heading, "\n".join(parts).strip()))
            heading, parts = text_part, []
        elif text_part:
            parts.append(text_part)
    sections.append(Section(heading, "\n".join(parts).strip()))
    return Document(
        path=rel,
        title=title or _title_from_path(rel),
        topic=meta.get("topic", ""),
        markets=_markets(meta.get("markets")),
        sections=tuple(s for s in sections if s.body or s.heading),
        meta=meta,
    )


# --- PDF ------------------------------------------------------------------------------

_NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)*\.?)\s+([A-Z][^.!?:]{1,70})$")


def parse_pdf(path: Path, rel: str) -> Document:
    """Text per page; numbered headings ("2 Scope", "3.1 Tests") start sections.

    Pages without a numbered heading continue the current section; a PDF with no numbered
    headings at all is split into "Page N" sections.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (PdfReadError, OSError) as exc:
        raise KnowledgeSourceError(f"{rel}: unreadable PDF: {exc}") from exc
    title = str(info.title).strip() if info is not None and info.title else ""
    subject = str(info.subject).strip() if info is not None and info.subject else ""
    keywords = str(info.get("/Keywords", "") or "") if info is not None else ""
    lines_per_page = [
        [line.strip() for line in page.splitlines() if line.strip()] for page in pages
    ]
    if not title and lines_per_page and lines_per_page[0]:
        title = lines_per_page[0].pop(0)
    has_headings = any(_NUMBERED_HEADING.match(line) for page in lines_per_page for line in page)
    sections: list[Section] = []
    heading = ""
    lines: list[str] = []
    for number, page_lines in enumerate(lines_per_page, start=1):
        if not has_headings:
            sections.append(Section(f"Page {number}", "\n".join(page_lines)))
            continue
        for line in page_lines:
            match = _NUMBERED_HEADING.match(line)
            if match:
                sections.append(Section(heading, "\n".join(lines).strip()))
                heading, lines = line, []
            else:
                lines.append(line)
    if has_headings:
        sections.append(Section(heading, "\n".join(lines).strip()))
    markets = _markets(keywords.removeprefix("markets:")) if keywords.startswith("markets:") else ()
    return Document(
        path=rel,
        title=title or _title_from_path(rel),
        topic=subject,
        markets=markets,
        sections=tuple(s for s in sections if s.body),
        meta={"title": title, "subject": subject, "keywords": keywords},
    )
