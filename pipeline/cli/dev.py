"""`baocao render` and `baocao eval`: the developer's commands, thin wrappers over `pipeline.devtools`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.cli.common import DbOption, err, existing_db, fail, out
from pipeline.devtools.evaluate import evaluate, format_scores
from pipeline.devtools.render import LEVELS, render_corpus
from pipeline.read.cells import json_safe


def render(
    src: Annotated[Path, typer.Argument(
        metavar="PATH", help="A report or a folder of .txt/.md reports.")] = Path("corpus"),
    out_dir: Annotated[Path, typer.Option(
        "--out", metavar="DIR", help="Folder to write into.")] = Path("build/renders"),
    levels: Annotated[str, typer.Option(
        metavar="LEVELS", help="Scan levels, comma-separated: clean,mild,harsh ('' for none).")] = (
        "clean,mild,harsh"
    ),
    png: Annotated[str | None, typer.Option(metavar="LEVEL", help="Also write PNG pages of this scan level.")] = None,
    docx: Annotated[bool, typer.Option(help="Also write a DOCX.")] = True,
) -> None:
    """Render reports to a text-layer PDF, scanned-like PDFs and a DOCX, with their truth text (test material).

    Example:

      baocao render corpus/ --out build/renders --levels mild --no-docx
    """
    chosen = [x for x in levels.split(",") if x]
    bad = [x for x in [*chosen, *([png] if png else [])] if x not in LEVELS]
    if bad:
        raise fail(f"unknown scan level {', '.join(bad)}; choose from {', '.join(LEVELS)}")
    if not src.exists():
        raise fail(f"{src}: no such file or folder")
    if src.is_file() and src.suffix.lower() not in (".txt", ".md"):
        raise fail(f"{src}: render takes a .txt or .md report (the text it renders), not a {src.suffix or 'file'}")
    progress = None
    on_progress = None
    if err.is_terminal:  # a report takes seconds to render: show which one and how many are left
        progress = Progress(TextColumn("[bold]render"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            TextColumn("{task.description}"), console=err, transient=True)
        task = progress.add_task("", total=None)

        def on_progress(name: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=name)

        progress.start()
    try:
        entries = render_corpus(src, out_dir, levels=chosen, png_level=png, docx=docx, on_progress=on_progress)
    except (ValueError, UnicodeDecodeError) as e:  # a text the renderer cannot set (no glyph, not UTF-8)
        raise fail(str(e)[:300]) from e
    finally:
        if progress is not None:
            progress.stop()
    typer.echo(f"rendered {len({e.source for e in entries})} reports into {len(entries)} files under {out_dir}/")


def eval_(
    db: DbOption,
    gold: Annotated[Path, typer.Option("--gold", metavar="DIR", help="Folder of gold JSON files.")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List misses and false positives.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print scores as JSON.")] = False,
) -> None:
    """Score stored results against gold files and print precision/recall.

    Refuses (exit 2) when no gold file matches a stored document.

    Example:

      baocao eval --db build/eval-corpus.duckdb --gold corpus/ -v
    """
    if not gold.is_dir():
        raise fail(f"{gold}: not a folder of gold files")
    scores = evaluate(existing_db(db), gold)
    if not scores.docs:  # perfect scores over nothing would read as success
        n_gold = len(scores.missing)
        raise fail(f"no gold file in {gold} matches a stored document ({n_gold} gold files; names are matched "
                   "by file stem, e.g. gold/h01.json scores docs/h01.txt and its renderings)")
    if json_out:
        sys.stdout.write(json.dumps(json_safe(scores.as_dict()), ensure_ascii=False, indent=2, allow_nan=False) + "\n")
    else:
        out.print(format_scores(scores, verbose=verbose), highlight=False, soft_wrap=True)
