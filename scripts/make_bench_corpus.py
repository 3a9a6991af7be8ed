"""Build N distinct text reports for the ingest benchmark: `make_bench_corpus.py OUT --n 1000`.

Each report takes the header (everything before the first Roman-numbered section) of one source
report and 3-5 top-level sections drawn from the others, renumbered I, II, ...; then, deterministically
from `--seed` and its index, scales the figures by a whole factor (sums and ratios keep holding),
shifts the years and changes the day of dates, swaps the place named in the place/date line for
another source's, and breaks the text into pages of about `--page-chars` characters with form feeds.
Sources: corpus/ and, when present, ../shared/seeds (read at run time; the output goes to OUT, e.g.
build/bench-1000, and is never committed). Runs in seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.loaders import load  # noqa: E402

ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
# A top-level heading: "I. KẾT QUẢ", "## II. Nhiệm vụ", "**III. ...**".
_TOP = re.compile(r"^(?P<lead>#{1,3}\s*|\*\*)?(?P<num>[IVX]{1,4})\.\s+\S", re.M)
_PLACE_LINE = re.compile(r"^(?P<place>[^\W\d_][^,\n]{1,30}), ngày\b", re.M)
_YEAR = re.compile(r"(?<![\d.,/])(20[12]\d)(?![\d.,]\d)")
_DAY = re.compile(r"\bngày (\d{1,2})(?= tháng| ?/)")
# A figure: digits with optional dot-grouped thousands, not a decimal, date part, code or percent.
_FIGURE = re.compile(r"(?<![\w.,/:-])(?<!ngày )(?<!tháng )(?<!năm )(?<!số )(?<!Số )"
                     r"([1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d*)(?![\w.,/:-]*\d)(?!\w|\s*\\?%|/\d|\.\d|-\w|,\d)")


def _text(path: Path) -> str:
    return "\n".join(p.text for p in load(path).pages).replace("\r\n", "\n").replace("\f", "\n")


def _split(text: str) -> tuple[str, list[str]]:
    starts = [m.start() for m in _TOP.finditer(text)]
    if not starts:
        return text, []
    return text[: starts[0]], [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def _renumber(section: str, i: int) -> str:
    m = _TOP.match(section)
    return section[: m.start("num")] + ROMANS[i % len(ROMANS)] + section[m.end("num"):] if m else section


def _scale(text: str, factor: int) -> str:
    def one(m: re.Match) -> str:
        raw = m.group(1)
        value = int(raw.replace(".", "")) * factor
        if 2000 <= int(raw.replace(".", "")) <= 2030 and "." not in raw:
            return raw  # a year
        if "." in raw or value >= 1000:
            return f"{value:,}".replace(",", ".")
        return str(value)
    return _FIGURE.sub(one, text)


def _pages(text: str, page_chars: int) -> str:
    """Form feeds at a blank line once a page is full (at any line break if it runs long)."""
    out, size = [], 0
    for line in text.split("\n"):
        if size > page_chars and (not line.strip() or size > page_chars * 1.5):
            out.append("\f")
            size = 0
        out.append(line + "\n")
        size += len(line) + 1
    return "".join(out).rstrip() + "\n"


def build(sources: list[tuple[str, list[str], str | None]], rnd: random.Random, page_chars: int) -> str:
    base = rnd.randrange(len(sources))
    header, own, _ = sources[base]
    pool = [s for i, src in enumerate(sources) if i != base for s in src[1]]
    target = rnd.randint(3, 5) * page_chars - len(header)  # 3-5 pages
    sections = [s for s in own[:1] if len(s) <= target + page_chars // 2]
    size = sum(map(len, sections))
    for s in rnd.sample(pool, k=len(pool)):
        if size >= target:
            break
        if size + len(s) <= target + page_chars // 2:  # no more pages than drawn
            sections.append(s)
            size += len(s)
    body = "".join(_renumber(s, i) for i, s in enumerate(sections))
    text = _scale(header + body, rnd.randint(1, 4))
    shift = rnd.randint(-3, 1)
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    text = _DAY.sub(lambda m: f"ngày {rnd.randint(1, 28):02d}", text)
    places = [p for _, _, p in sources if p]
    own_place = sources[base][2]
    if own_place and places:
        text = text.replace(own_place, rnd.choice(places))
    return _pages(text, page_chars)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--page-chars", type=int, default=3500)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    files = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".md"))
    seeds = args.shared / "seeds"
    if seeds.is_dir():
        files += sorted(seeds.glob("*.txt"))
    sources = []
    for f in files:
        header, sections = _split(_text(f))
        m = _PLACE_LINE.search(header)
        if sections:
            sources.append((header, sections, m.group("place").strip() if m else None))
    args.out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    rnd = random.Random(args.seed)
    written = 0
    while written < args.n:
        text = build(sources, rnd, args.page_chars)
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        (args.out / f"bench_{written:05d}.txt").write_text(text, encoding="utf-8")
        written += 1
    size = sum(p.stat().st_size for p in args.out.glob("bench_*.txt"))
    print(f"{written} reports from {len(sources)} sources in {args.out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
