"""Finding the files to ingest: regular files only, never outside the folder unless asked.

Everything is `stat`ed before it is opened, so a FIFO cannot block the run and a device cannot feed
it for ever. Inside a folder, links that leave it (a link to /etc/passwd dropped in an input folder)
are not followed unless `follow_symlinks`; dangling links, FIFOs, sockets and devices are skipped and
each one is reported (counted in the summary, listed with `-v`), never dropped without a word. A
path named on the command line that is not a regular file or folder is an error row, not a hang.
Hidden files, README files and files of other suffixes (gold `.json`) inside folders are not
reports and are passed over; documents of a format baocao does not read (.rtf, .xlsx …,
schemas/formats.yaml) are skipped with a word; a file named explicitly is always attempted.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Strict, load_model

SPECIAL_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                 (stat.S_ISBLK, "a block device"))


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Found:
    files: tuple[Path, ...]  # resolved, absolute, unique, in walking order
    skipped: tuple[Skipped, ...]  # entries of folders passed over, with why
    errors: tuple[Skipped, ...]  # paths named on the command line that cannot be read as a file


def _kind(mode: int) -> str:
    return next((name for test, name in SPECIAL_KINDS if test(mode)), "not a regular file")


class Formats(Strict):
    version: int = 1
    unread_documents: dict[str, str]  # suffix -> what it is
    hint: str


def formats() -> Formats:
    return load_model("formats.yaml", Formats)


def _unread_document(name: str) -> str | None:
    if name.startswith(".") or name.lower().startswith("readme"):
        return None
    return formats().unread_documents.get(os.path.splitext(name)[1].lower())


def _is_report_name(name: str, suffixes: set[str]) -> bool:
    return not name.startswith(".") and not name.lower().startswith("readme") \
        and os.path.splitext(name)[1].lower() in suffixes


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def walk(paths: Iterable[Path], suffixes: set[str], *, follow_symlinks: bool = False) -> Found:
    """The regular files under `paths` (folders recursively, sorted by name), with every entry passed over."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    errors: list[Skipped] = []
    for arg in paths:
        arg = Path(arg)
        try:
            st = arg.stat()
        except OSError as e:
            errors.append(Skipped(str(arg.absolute()), f"cannot read file: {e.strerror or e}"))
            continue
        if stat.S_ISDIR(st.st_mode):
            root = arg.resolve()
            _walk_dir(root, root, suffixes, follow_symlinks, files, skipped, {(st.st_dev, st.st_ino)})
        elif stat.S_ISREG(st.st_mode):
            files.append(arg.resolve())
        else:
            errors.append(Skipped(str(arg.absolute()), f"not a regular file: {_kind(st.st_mode)}"))
    seen: set[Path] = set()
    unique = [f for f in files if not (f in seen or seen.add(f))]
    return Found(tuple(unique), tuple(skipped), tuple(errors))


def _walk_dir(d: Path, root: Path, suffixes: set[str], follow: bool, files: list[Path],
              skipped: list[Skipped], visited: set[tuple[int, int]]) -> None:
    try:
        entries = sorted(os.scandir(d), key=lambda e: e.name)
    except OSError as e:
        skipped.append(Skipped(str(d), f"folder not readable: {e.strerror or e}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_link = entry.is_symlink()
            st = os.stat(entry.path)  # follows a link: what would be read
        except OSError as e:
            skipped.append(Skipped(entry.path, "dangling link" if is_link else f"cannot stat: {e.strerror or e}"))
            continue
        target = path.resolve() if is_link else path
        if is_link and not follow and not _within(target, root):
            skipped.append(Skipped(entry.path, f"link leaves the folder (to {target}); --follow-symlinks follows it"))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key not in visited:  # a link back up the tree would loop
                _walk_dir(target, root, suffixes, follow, files, skipped, visited | {key})
        elif not _is_report_name(entry.name, suffixes):
            if stat.S_ISREG(st.st_mode) and (kind := _unread_document(entry.name)):
                skipped.append(Skipped(entry.path, f"{kind}: not a format baocao reads; {formats().hint}"))
            continue
        elif stat.S_ISREG(st.st_mode):
            files.append(target)
        else:
            skipped.append(Skipped(entry.path, _kind(st.st_mode)))
