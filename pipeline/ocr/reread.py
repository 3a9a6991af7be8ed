"""A second, digits-only reading of the figures Tesseract was unsure of.

Why: on a scan, most wrong digits sit in table cells read with a low word confidence (`2)` for 22,
`1ý` for 17, `S12` for 512, `&:` for a row number 3). Read in page context, Tesseract's language model
pulls such a cell towards letters. Cut out and read again with only digits and number punctuation
allowed, the same glyphs come back as the number printed. The format rules of `repair` can repair
`S12` only by guessing; a second reading is evidence.

What is read again (rules in schemas/ocr_repair.yaml, `reread`): a token that looks like a figure
(digits, at most one letter) read below the `below` confidence, and in a column of table figures
(tab-separated rows, mostly numbers) a short cell that is not a number. The crops of all of them go
into one strip image, read by one Tesseract call per page (~0.15 s), and only on pages that have
such tokens.

What the second reading decides, only when it is a well-formed number read at the `sure` confidence:
- the first reading was not a number (`1ý`): the token becomes the number, recorded as a `reread`
  repair of what was read first;
- both are the same number: the token's confidence is the higher of the two;
- two different numbers: the more confident reading is kept, recorded as `reread_conflict`, with the
  lower confidence of the two, so a check resting on it is unverifiable rather than a mismatch.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from pipeline.model import TokenRepair
from pipeline.ocr import repair
from pipeline.ocr.repair import RereadRules, footnote_shaped, is_number, number_core
from pipeline.ocr.tesseract import TesseractEngine
from pipeline.ocr.types import OcrEngine, OcrWord

_TOKEN = re.compile(r"\S+")
_NOT_A_FIGURE = re.compile(r"[/\-–:]")  # dates, document numbers, ratios, codes: not read again
_NOT_A_CELL = re.compile(r"/|^[-–—.]+$")  # a ratio or date in a figure column; a dash for "none"


def load_rules() -> RereadRules:
    """The `reread` section of schemas/ocr_repair.yaml (validated with the rest of the file)."""
    return repair.load_rules().reread


def digit_engine(rules: RereadRules | None = None) -> OcrEngine:
    """The Tesseract engine of the second reading: digits and number punctuation only."""
    rules = rules or load_rules()
    return TesseractEngine(rules.lang, psm=rules.psm, config=f"-c tessedit_char_whitelist={rules.whitelist}")


def _figure_like(s: str) -> bool:
    """Digits with at most one stray letter (`1.846`, `S12`, `1ý`), and no date or code punctuation."""
    digits = sum(c.isdigit() for c in s)
    letters = sum(c.isalpha() for c in s)
    return digits > 0 and letters <= 1 and letters < digits and not _NOT_A_FIGURE.search(s)


# --------------------------------------------------------------------------- which tokens


@dataclass(frozen=True, slots=True)
class _Cell:
    """Tokens [start, end) of a page text that make one table cell (or one prose token)."""

    start: int
    end: int
    column: int | None  # table column; None in prose
    block: int  # first line of its table (-1 in prose)


def _cells(text: str) -> list[_Cell]:
    """Every table cell of the text's tab-separated blocks, and every prose token, in token order."""
    out: list[_Cell] = []
    token = 0
    block = -1
    previous_tabbed = False
    for n, line in enumerate(text.split("\n")):
        tabbed = "\t" in line
        if tabbed and not previous_tabbed:
            block = n
        previous_tabbed = tabbed
        for k, cell in enumerate(line.split("\t") if tabbed else line.split()):
            size = len(cell.split())
            if size:
                out.append(_Cell(token, token + size, k if tabbed else None, block if tabbed else -1))
            token += size
    return out


def _figure_columns(text: str, cells: Sequence[_Cell], rules: RereadRules) -> set[tuple[int, int]]:
    """(block, column) of the table columns that hold mostly well-formed numbers (the header row
    counts against a column, so it needs a clear majority)."""
    tokens = text.split()
    seen: dict[tuple[int, int], list[bool]] = {}
    for c in cells:
        if c.column is not None:
            seen.setdefault((c.block, c.column), []).append(is_number(" ".join(tokens[c.start : c.end])))
    return {key for key, flags in seen.items() if sum(flags) >= rules.figure_column * len(flags)}


def doubtful_spans(
    text: str, confidences: Sequence[float], rules: RereadRules | None = None
) -> list[tuple[int, int]]:
    """Token ranges [start, end) of `text` worth a second, digits-only reading: a figure-like token
    read below the `below` confidence, and a cell of a figure column that is no number (however many
    tokens OCR made of it: `ch ý:` for 377) or a number read below `below`. A number with a footnote
    marker glued on (`1.2872`, `1.287?`) is left to the format repairs of `repair`."""
    rules = rules or load_rules()
    tokens = text.split()
    cells = _cells(text)
    figure_columns = _figure_columns(text, cells, rules)

    def conf(i: int) -> float:
        return confidences[i] if i < len(confidences) else 1.0

    out = []
    for c in cells:
        cell = " ".join(tokens[c.start : c.end])
        low = min(conf(i) for i in range(c.start, c.end)) < rules.below
        if c.column is not None and (c.block, c.column) in figure_columns:
            short = len(cell.replace(" ", "")) <= rules.max_cell
            if low and (is_number(cell) or (short and not _NOT_A_CELL.search(cell))):
                out.append((c.start, c.end))
                continue
        out.extend(
            (i, i + 1)
            for i in range(c.start, c.end)
            if conf(i) < rules.below and _figure_like(number_core(tokens[i])[1]) and not footnote_shaped(tokens[i])
        )
    return out


# --------------------------------------------------------------------------- the strip


@dataclass(frozen=True, slots=True)
class _Box:
    left: int
    top: int
    width: int
    height: int

    @classmethod
    def around(cls, words: Sequence[OcrWord]) -> _Box:
        x0, y0 = min(w.left for w in words), min(w.top for w in words)
        x1 = max(w.left + w.width for w in words)
        y1 = max(w.top + w.height for w in words)
        return cls(x0, y0, x1 - x0, y1 - y0)


def _strip(image: Image.Image, boxes: Sequence[_Box], scale: float) -> tuple[Image.Image, list[tuple[int, int]]]:
    """The word boxes cut out of the page, one under the other on white, and each crop's rows in the
    strip (at `scale`). A table rule caught at a crop's edge (a column of ink across its height) is
    whitened, so it is not read as a `1`."""
    a = np.asarray(image if image.mode == "L" else image.convert("L"))
    height = int(statistics.median(w.height for w in boxes))
    pad_x, pad_y = max(2, height // 5), max(2, height * 3 // 10)
    crops = []
    for w in boxes:
        x0, y0 = max(w.left - pad_x, 0), max(w.top - pad_y, 0)
        x1, y1 = min(w.left + w.width + pad_x, a.shape[1]), min(w.top + w.height + pad_y, a.shape[0])
        crop = a[y0:y1, x0:x1].copy()
        if crop.size:
            crop[:, (crop < 128).mean(axis=0) > 0.8] = 255
        crops.append(crop)
    gap = height
    width = max(c.shape[1] for c in crops) + 2 * height
    canvas = np.full((sum(c.shape[0] for c in crops) + gap * (len(crops) + 1), width), 255, np.uint8)
    spans = []
    y = gap
    for c in crops:
        canvas[y : y + c.shape[0], height : height + c.shape[1]] = c
        spans.append((round(y * scale), round((y + c.shape[0]) * scale)))
        y += c.shape[0] + gap
    strip = Image.fromarray(canvas)
    if scale != 1.0:
        strip = strip.resize((max(1, round(strip.width * scale)), max(1, round(strip.height * scale))), Image.LANCZOS)
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and dpi[0]:
        strip.info["dpi"] = (dpi[0] * scale, dpi[1] * scale)
    return strip, spans


def read_again(
    image: Image.Image, boxes: Sequence[_Box], engine: OcrEngine, *, timeout: float, scale: float
) -> list[tuple[str, float]]:
    """(text, confidence) of each box read again by `engine`; ("", 0) where nothing was read."""
    strip, spans = _strip(image, boxes, scale)
    words = engine.recognize(strip, timeout=timeout).words
    out = []
    for y0, y1 in spans:
        mine = sorted((w for w in words if y0 <= w.top + w.height / 2 <= y1), key=lambda w: w.left)
        if mine:
            out.append(("".join(w.text for w in mine), min(w.confidence for w in mine)))
        else:
            out.append(("", 0.0))
    return out


# --------------------------------------------------------------------------- decisions


def reread_tokens(
    image: Image.Image,
    text: str,
    confidences: Sequence[float],
    token_words: Sequence[OcrWord | None],
    engine: OcrEngine,
    *,
    timeout: float,
    rules: RereadRules | None = None,
) -> tuple[str, tuple[float, ...], tuple[TokenRepair, ...]]:
    """The page text with its doubtful figures read again (see the module docstring); returns the new
    text, per-token confidences and the repairs (indices into the new text's tokens). A cell OCR cut
    into several tokens becomes one token when read again as a number; other whitespace is kept."""
    rules = rules or load_rules()
    picked = [
        (i, j) for i, j in doubtful_spans(text, confidences, rules)
        if all(k < len(token_words) and token_words[k] is not None for k in range(i, j))
    ]
    if not picked:
        return text, tuple(confidences), ()
    boxes = [_Box.around([token_words[k] for k in range(i, j)]) for i, j in picked]  # type: ignore[misc]
    readings = read_again(image, boxes, engine, timeout=timeout, scale=rules.scale)
    spans = [m.span() for m in _TOKEN.finditer(text)]
    table_tokens = {k for c in _cells(text) if c.column is not None for k in range(c.start, c.end)}
    confs = list(confidences) + [1.0] * (len(spans) - len(confidences))
    decided: dict[int, tuple[int, str, float, str | None]] = {}  # start -> (end, text, conf, rule)
    for (i, j), (read, sure) in zip(picked, readings, strict=True):
        as_read = text[spans[i][0] : spans[j - 1][1]]
        in_table = i in table_tokens
        # a table cell is the number alone (`2)` is no number); in prose, punctuation around it stays
        lead, core, trail = ("", as_read, "") if in_table else number_core(as_read)
        again = number_core(read)[1]
        first = min(confs[i:j])
        if sure < rules.sure or not is_number(again):
            continue
        if is_number(core):
            if again == core:
                decided[i] = (j, as_read, max(first, sure), None)
            else:
                keep = again if sure > first else core
                decided[i] = (j, lead + keep + trail, min(first, sure), "reread_conflict")
        else:
            decided[i] = (j, lead + again + trail, sure, "reread")
    parts: list[str] = []
    new_confs: list[float] = []
    repairs: list[TokenRepair] = []
    pos = 0
    i = 0
    while i < len(spans):
        parts.append(text[pos : spans[i][0]])
        if i in decided:
            j, new, conf, rule = decided[i]
            if rule:
                repairs.append(TokenRepair(len(new_confs), text[spans[i][0] : spans[j - 1][1]], rule))
            parts.append(new)
            new_confs.append(round(conf, 4))
            pos = spans[j - 1][1]
            i = j
        else:
            parts.append(text[spans[i][0] : spans[i][1]])
            new_confs.append(confs[i])
            pos = spans[i][1]
            i += 1
    parts.append(text[pos:])
    return "".join(parts), tuple(new_confs) if confidences else (), tuple(repairs)

