"""Benchmark: rendering hostile Markdown takes time in proportion to its length.

For each family of adversarial input (long runs of the characters Markdown parsers backtrack
on, deep nesting), renders texts of 1,000 to 10,000 characters (an annotation's limit) and
prints the time, the time per 1,000 characters and the ratio time(n)/time(1,000). Linear
growth shows as a ratio close to n/1,000 and a flat time per 1,000 characters. Exits non-zero
if a family grows clearly faster than linearly. Needs no database.
Usage: .venv/bin/python benchmarks/bench_markdown.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sessions.markdown import render_markdown

SIZES = [1_000, 2_000, 5_000, 10_000]
REPEAT = 5
# Time per 1,000 characters at the largest size may exceed its lowest at a smaller size this
# many times before growth counts as superlinear (quadratic growth would show as 10 times).
TOLERANCE = 3


def repeated(unit):
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def rising_backtick_runs(n):
    """`` ` `` then ``` `` ``` then ``` ``` ```, …: code spans whose closers never match."""
    text, length = "", 1
    while len(text) < n:
        text += "`" * length + " "
        length += 1
    return text[:n]


FAMILIES = {
    "run of [": repeated("["),
    "run of *": repeated("*"),
    "run of _": repeated("_"),
    "run of <": repeated("<"),
    "run of `": repeated("`"),
    "backtick runs of rising length": rising_backtick_runs,
    "[ and ](": repeated("[]("),
    "unclosed links [a](": repeated("[a]("),
    "link references [a][": repeated("[a]["),
    "emphasis *a **b": repeated("*a **b "),
    "nested lists": repeated("- "),
    "nested quotes": repeated("> "),
    "indented list lines": repeated("  - a\n"),
    "open HTML tags <a": repeated("<a "),
    "HTML comments <!--": repeated("<!--"),
    "autolinks <http:": repeated("<http:"),
    "entities &#": repeated("&#"),
    "hard breaks": repeated("a  \n"),
    "table-like rows": repeated("|a"),
}


def best_time(text):
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        render_markdown(text)
        samples.append(time.perf_counter() - start)
    return min(samples)


def main():
    print(f"render_markdown, best of {REPEAT}; ratio = time(n) / time({SIZES[0]:,})\n")
    print(f"{'input':32}" + "".join(f"{n:>26,}" for n in SIZES) + "  verdict")
    superlinear = []
    for name, make in FAMILIES.items():
        times = [best_time(make(n)) for n in SIZES]
        per_1k = [seconds / (n / 1_000) for seconds, n in zip(times, SIZES, strict=True)]
        cells = "".join(
            f"{seconds * 1000:8.2f} ms x{seconds / times[0]:5.1f} {ms_1k * 1000:5.2f}/1k"
            for seconds, ms_1k in zip(times, per_1k, strict=True)
        )
        linear = per_1k[-1] <= TOLERANCE * min(per_1k[:-1])
        print(f"{name:32}{cells}  {'linear' if linear else 'SUPERLINEAR'}")
        if not linear:
            superlinear.append(name)
    if superlinear:
        sys.exit(f"\nGrows faster than linearly: {', '.join(superlinear)}")


if __name__ == "__main__":
    main()
