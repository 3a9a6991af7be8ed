"""Render the corpus reports into the file kinds the loaders meet in the wild (text-layer PDF, scans,
DOCX), with known ground truth: see `corpus` for what is written, the other modules for each kind.

The names below are the renderer's API for the CLI, the scripts and the tests."""

from pipeline.devtools.render.corpus import find_sources, render_corpus, render_report
from pipeline.devtools.render.model import FONT_DIRS, LEVELS, SCAN_DPI, Block, Layout, ManifestEntry
from pipeline.devtools.render.source import clean_markup, decode_source, parse_blocks, plain_digits

__all__ = [
    "FONT_DIRS", "LEVELS", "SCAN_DPI", "Block", "Layout", "ManifestEntry", "clean_markup", "decode_source",
    "find_sources", "parse_blocks", "plain_digits", "render_corpus", "render_report",
]
