"""Plot the benchmark results into ``docs/benchmarks/*.png``.

The bench scripts (``bench/bench_*.py``) write their results as Markdown tables in
``docs/benchmarks/<name>.md``; this reads those tables back (so a plot always shows the numbers the
page states, from the same run) and draws one figure per measurement. Run it after a bench script:

    python bench/plot_results.py            # every page that has results
    python bench/plot_results.py matching   # one

matplotlib is a bench-only dependency (``pip install -e ".[bench]"``), not a runtime one.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import matplotlib.ticker

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "benchmarks"
# The tables' labels are partly Chinese: a CJK font first (Debian's fonts-noto-cjk), DejaVu otherwise.
plt.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
plt.rcParams["axes.unicode_minus"] = False
UP, DOWN, GREY = "#d32f2f", "#2e7d32", "#8a94a6"

Table = tuple[list[str], list[list[str]]]


def tables(markdown: str) -> list[Table]:
    """Every pipe table in a Markdown page: (header, rows), cells stripped of ``**`` and backticks."""
    found: list[Table] = []
    block: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if len(block) >= 3 and re.fullmatch(r"\|[\s:|-]+\|", block[1].strip()):
            cells = [
                [c.strip().strip("*`").strip() for c in row.strip().strip("|").split("|")] for row in block
            ]
            found.append((cells[0], cells[2:]))
        block = []
    return found


def table_with(markdown: str, *columns: str) -> Table:
    for header, rows in tables(markdown):
        if all(c in header for c in columns):
            return header, rows
    raise LookupError(f"no table with columns {columns}")


def number(cell: str) -> float:
    """``1,000,000`` → 1e6, ``99.70%`` → 99.7, ``493 ms`` → 493, ``2.13×`` → 2.13; ``–`` → nan."""
    match = re.search(r"-?\d[\d,]*(\.\d+)?", cell)
    return float(match.group(0).replace(",", "")) if match else float("nan")


def column(table: Table, name: str) -> list[str]:
    header, rows = table
    i = header.index(name)
    return [row[i] for row in rows]


def _barh(ax, labels: list[str], values: list[float], colors, unit: str) -> None:
    bars = ax.barh(labels, values, color=colors)
    ax.invert_yaxis()
    ax.bar_label(
        bars, labels=[f"{v:,.0f}{unit}" if v >= 100 else f"{v:,.1f}{unit}" for v in values], padding=3
    )
    ax.margins(x=0.2)
    ax.spines[["top", "right"]].set_visible(False)


def plot_matching(md: str) -> list[Path]:
    loops = table_with(md, "Loop", "Orders/s")
    fig, ax = plt.subplots(figsize=(8, 2.8))
    names = column(loops, "Loop")
    colors = [UP if "MatchingEngine" in n else GREY for n in names]
    _barh(ax, names, [number(c) for c in column(loops, "Orders/s")], colors, "")
    ax.set_xlabel("orders per second (higher is better)")
    ax.set_title("Paper exchange matching throughput")
    out = [save(fig, "matching-throughput.png")]
    memory = table_with(md, "Orders", "RSS MiB")
    fig, ax = plt.subplots(figsize=(8, 3.2))
    orders = [number(c) for c in column(memory, "Orders")]
    ax.plot(orders, [number(c) for c in column(memory, "RSS MiB")], marker="o", color=UP, label="RSS MiB")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("orders submitted")
    ax.set_ylabel("resident MiB")
    resting = ax.twinx()
    resting.plot(orders, [number(c) for c in column(memory, "Orders resting")], marker=".", color=GREY)
    resting.set_ylabel("orders resting", color=GREY)
    resting.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax.set_title("Matching engine memory by orders submitted")
    out.append(save(fig, "matching-memory.png"))
    return out


def plot_service(md: str) -> list[Path]:
    routes = table_with(md, "route", "req/s", "p50 ms", "p99 ms")
    names = column(routes, "route")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 2.8))
    _barh(left, names, [number(c) for c in column(routes, "req/s")], [GREY, UP][: len(names)], "")
    left.set_xlabel("requests per second, 64 clients")
    y = range(len(names))
    right.barh(
        [i - 0.2 for i in y],
        [number(c) for c in column(routes, "p50 ms")],
        height=0.4,
        color=GREY,
        label="p50",
    )
    right.barh(
        [i + 0.2 for i in y], [number(c) for c in column(routes, "p99 ms")], height=0.4, color=UP, label="p99"
    )
    right.set_yticks(list(y), names)
    right.invert_yaxis()
    right.set_xlabel("latency ms (lower is better)")
    right.legend(frameon=False)
    fig.suptitle("HTTP throughput and latency")
    out = [save(fig, "service-http.png")]
    journal = table_with(md, "path", "ms per order")
    fig, ax = plt.subplots(figsize=(8, 2.4))
    _barh(ax, column(journal, "path"), [number(c) for c in column(journal, "ms per order")], GREY, " ms")
    ax.set_title("Order journal cost per order")
    out.append(save(fig, "service-journal.png"))
    return out


def plot_wine(md: str) -> list[Path]:
    runs = table_with(md, "what", "median", "p90")
    names = column(runs, "what")
    medians = [number(c) for c in column(runs, "median")]
    colors = [GREY if n.startswith("baseline") else UP if "what-if" not in n else "#f08c8c" for n in names]
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(names) + 1.2))
    _barh(ax, [n if len(n) <= 60 else n[:57] + "…" for n in names], medians, colors, " ms")
    ax.set_xlabel("median ms (lower is better); grey: easytrader-style fixed sleeps")
    ax.set_title("Real pywinauto driver under Wine")
    return [save(fig, "wine-latency.png")]


def plot_xiadan(md: str) -> list[Path]:
    runs = table_with(md, "operation", "adapter (median / p90)", "easytrader-style fixed sleeps")
    names = column(runs, "operation")
    adapter = [number(c) for c in column(runs, "adapter (median / p90)")]
    sleeps = [number(c) for c in column(runs, "easytrader-style fixed sleeps")]
    model = [number(c) for c in column(runs, "modelled client time")]
    fig, ax = plt.subplots(figsize=(9, 2.8))
    y = range(len(names))
    ax.barh([i - 0.27 for i in y], model, height=0.27, color="#c4cad3", label="modelled client time")
    ax.barh(list(y), adapter, height=0.27, color=UP, label="this adapter (median)")
    ax.barh([i + 0.27 for i in y], sleeps, height=0.27, color=GREY, label="fixed sleeps")
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.set_xlabel("ms (lower is better)")
    ax.legend(frameon=False, loc="lower right")
    ax.set_title("xiadan adapter vs fixed sleeps")
    return [save(fig, "xiadan-overhead.png")]


def plot_captcha(md: str) -> list[Path]:
    sets = table_with(md, "set", "accuracy")
    fig, ax = plt.subplots(figsize=(9, 2.8))
    acc = [number(c) for c in column(sets, "accuracy")]
    _barh(ax, column(sets, "set"), acc, [DOWN if a >= 99.5 else UP for a in acc], "%")
    ax.set_xlim(min(90.0, min(acc) - 1), 100.8)
    ax.set_xlabel("accuracy % (axis starts at 90)")
    ax.set_title("Captcha reader accuracy")
    return [save(fig, "captcha-accuracy.png")]


def save(fig, name: str) -> Path:
    path = OUT / name
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


PLOTS: dict[str, Callable[[str], list[Path]]] = {
    "matching": plot_matching,
    "service": plot_service,
    "wine": plot_wine,
    "xiadan": plot_xiadan,
    "captcha": plot_captcha,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", choices=[[], *PLOTS], help="which results (default: all)")
    args = parser.parse_args(argv)
    failed = 0
    for name in args.pages or list(PLOTS):
        page = OUT / f"{name}.md"
        if not page.exists():
            print(f"{name}: no results yet ({page.relative_to(ROOT)})", file=sys.stderr)
            continue
        try:
            for path in PLOTS[name](page.read_text(encoding="utf-8")):
                print(path.relative_to(ROOT))
        except (LookupError, ValueError) as exc:  # the page's tables changed shape
            print(f"{name}: {exc}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
