"""What the renderer lays out and writes: page geometry, layout blocks, manifest entries, scan levels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LEVELS = ("clean", "mild", "harsh")
SOURCE_SUFFIXES = (".txt", ".md", ".markdown")
SCAN_DPI = 300

# Liberation 1.x (Debian fonts-liberation) has no Vietnamese letters (ư, ơ, ạ ... are missing);
# Liberation 2.x (fonts-liberation2) has them. Try 2.x first and verify coverage before drawing.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)

MM = 72.0 / 25.4
A4 = (595.2756, 841.8898)  # points


@dataclass(frozen=True, slots=True)
class Layout:
    """Page geometry of a Vietnamese administrative document (Nghị định 30/2020: 13–14 pt, margins)."""

    font_size: float = 13.0
    leading: float = 13.0 * 1.25
    para_space: float = 6.0
    first_indent: float = 10 * MM
    top: float = 20 * MM
    bottom: float = 20 * MM
    left: float = 30 * MM
    right: float = 15 * MM
    page_numbers: bool = True  # centred in the top margin from page 2 on, as the decree asks

    @property
    def width(self) -> float:
        return A4[0] - self.left - self.right


@dataclass(frozen=True, slots=True)
class Block:
    """One laid-out unit of the source: a paragraph line (maybe a heading) or a table."""

    kind: str  # para | table
    text: str = ""
    bold: bool = False
    centered: bool = False
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    file: str  # relative to the output folder
    source: str  # the source report path as given
    stem: str
    kind: str  # text-pdf | scan-pdf | scan-png | docx | truth
    level: str | None  # clean | mild | harsh for scans
    pages: int
    table_pages: tuple[int, ...] = ()  # 1-based pages of the report holding (part of) a table
    page: int | None = None  # for a single-page PNG: which page of the report it shows

