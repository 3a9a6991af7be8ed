"""Render the corpus reports into the file kinds the loaders meet in the wild, with known ground truth.

Real reports reach us as text-layer PDFs, scans and DOCX. To measure the loaders and the OCR path we
need those forms of texts whose content we know exactly, so this module lays each `.txt`/`.md` report of
a folder out as an A4 administrative document (Liberation Serif 13 pt, margins after Nghị định
30/2020/NĐ-CP) and writes:

- `<stem>.pdf`              text-layer PDF (what a "Save as PDF" from Word gives);
- `<stem>.scan-<level>.pdf` image-only PDF of 300 dpi page images, `clean`, `mild` (±1°, noise, slight
  blur, JPEG q70) or `harsh` (±2.5°, heavier noise and blur, uneven light, a grey round stamp);
- `<stem>.docx`             headings as bold paragraphs, tab-separated rows as real tables;
- `<stem>.truth`        the text exactly as laid out, pages separated by form feeds, so a page's
                            OCR can be scored against its own page (CER after whitespace folding;
                            superscript footnote digits are kept as such, see `plain_digits`);
- `renders.json`            manifest: file -> source, stem, kind, level, pages.

Everything is deterministic: the noise is seeded from (stem, level, page) and the PDF/DOCX writers are
told to leave out timestamps, so a re-render gives the same bytes and the same benchmark numbers.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from pipeline.devtools.render.model import LEVELS, SCAN_DPI, SOURCE_SUFFIXES, Layout, ManifestEntry
from pipeline.devtools.render.office import render_docx
from pipeline.devtools.render.pdf import Fonts, images_to_pdf, render_text_pdf
from pipeline.devtools.render.scan import degrade, encode, rasterize_pdf
from pipeline.devtools.render.source import bold_lines, clean_markup, decode_source, parse_blocks


def render_report(
    source: Path,
    out_dir: Path,
    *,
    levels: Sequence[str] = LEVELS,
    png_level: str | None = None,
    docx: bool = True,
    layout: Layout | None = None,
    stem: str | None = None,
) -> list[ManifestEntry]:
    """Render one report into out_dir; return the manifest entries of the files written."""
    layout = layout or Layout()
    stem = stem or source.stem
    raw = decode_source(source.read_bytes())
    text = clean_markup(raw)
    fonts = Fonts()
    fonts.check(text, str(source))
    blocks = parse_blocks(text, bold_lines(raw))
    out_dir.mkdir(parents=True, exist_ok=True)
    tables: set[int] = set()
    pdf, page_texts = render_text_pdf(blocks, layout, fonts, tables)
    n = len(page_texts)
    entries: list[ManifestEntry] = []

    def write(name: str, data: bytes, kind: str, level: str | None, page: int | None = None) -> None:
        (out_dir / name).write_bytes(data)
        tp = tuple(p for p in sorted(tables) if page in (None, p))
        entries.append(ManifestEntry(name, str(source), stem, kind, level, 1 if page else n, tp, page))

    write(f"{stem}.truth", ("\f".join(page_texts) + "\n").encode("utf-8"), "truth", None)
    write(f"{stem}.pdf", pdf, "text-pdf", None)
    if levels or png_level:
        rasters = rasterize_pdf(pdf)
        for level in dict.fromkeys([*levels, *([png_level] if png_level else [])]):
            scans = [degrade(im, level, (stem, i + 1)) for i, im in enumerate(rasters)]
            if level in levels:
                write(
                    f"{stem}.scan-{level}.pdf",
                    images_to_pdf(encode(s, level) for s in scans),
                    "scan-pdf",
                    level,
                )
            if level == png_level:
                for i, s in enumerate(scans):
                    buf = io.BytesIO()
                    s.save(buf, "PNG", dpi=(SCAN_DPI, SCAN_DPI))
                    write(f"{stem}.scan-{level}.p{i + 1}.png", buf.getvalue(), "scan-png", level, i + 1)
    if docx:
        write(f"{stem}.docx", render_docx(blocks, layout), "docx", None)
    return entries


def find_sources(src: Path) -> list[Path]:
    """Report files of a folder (recursive), README files excluded, in a stable order."""
    if src.is_file():
        return [src]
    return sorted(
        p
        for p in src.rglob("*")
        if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES and not p.name.lower().startswith("readme")
    )


def render_corpus(
    src: Path,
    out_dir: Path,
    *,
    levels: Sequence[str] = LEVELS,
    png_level: str | None = None,
    docx: bool = True,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> list[ManifestEntry]:
    """Render every report under src and write `renders.json`; returns all manifest entries.

    `on_progress(name, done, total)` is called before each report (done = reports finished so far)
    and once at the end: a report takes seconds, so a folder takes minutes."""
    entries: list[ManifestEntry] = []
    seen: set[str] = set()
    sources = find_sources(src)
    for i, path in enumerate(sources):
        if on_progress:
            on_progress(path.name, i, len(sources))
        stem = path.stem if path.stem not in seen else f"{path.stem}{path.suffix.replace('.', '-')}"
        seen.add(stem)
        got = render_report(path, out_dir, levels=levels, png_level=png_level, docx=docx, stem=stem)
        entries.extend(got)
    if on_progress:
        on_progress("", len(sources), len(sources))
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = {"dpi": SCAN_DPI, "files": [asdict(e) for e in entries]}
    (out_dir / "renders.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return entries

