"""`baocao render` and `baocao eval`: the developer's commands, thin wrappers over `pipeline.devtools`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.common import DbOption, existing_db, fail, json_safe, out
from pipeline.devtools.evaluate import evaluate, format_scores
from pipeline.devtools.render import LEVELS, render_corpus


def render(
    src: Annotated[Path, typer.Argument(help="A report or a folder of .txt/.md reports.")] = Path("corpus"),
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write into.")] = Path("build/renders"),
    levels: Annotated[str, typer.Option(help="Scan levels, comma-separated: clean,mild,harsh ('' for none).")] = (
        "clean,mild,harsh"
    ),
    png: Annotated[str | None, typer.Option(help="Also write PNG pages of this scan level.")] = None,
    docx: Annotated[bool, typer.Option(help="Also write a DOCX.")] = True,
) -> None:
    """Render reports to a text-layer PDF, scanned-like PDFs and a DOCX, with their truth text (test material)."""
    chosen = [x for x in levels.split(",") if x]
    bad = [x for x in [*chosen, *([png] if png else [])] if x not in LEVELS]
    if bad:
        raise fail(f"unknown scan level {', '.join(bad)}; choose from {', '.join(LEVELS)}")
    if not src.exists():
        raise fail(f"{src}: no such file or folder")
    entries = render_corpus(src, out_dir, levels=chosen, png_level=png, docx=docx)
    typer.echo(f"rendered {len({e.source for e in entries})} reports into {len(entries)} files under {out_dir}/")


def eval_(
    db: DbOption,
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold JSON files.")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List misses and false positives.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print scores as JSON.")] = False,
) -> None:
    """Score stored results against gold files and print precision/recall."""
    if not gold.is_dir():
        raise fail(f"{gold}: not a folder of gold files")
    scores = evaluate(existing_db(db), gold)
    if json_out:
        sys.stdout.write(json.dumps(json_safe(scores.as_dict()), ensure_ascii=False, indent=2, allow_nan=False) + "\n")
    else:
        out.print(format_scores(scores, verbose=verbose), highlight=False, soft_wrap=True)
