"""The one table: printed, and written to bench/results/ as JSON (every figure, with the machine)
and Markdown (the tables)."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SCALE_TARGET = 1.5  # a national or regional page at 150k cases: at most 1.5 x its time at 15k
RATIO_TARGET = 3.0  # a main page: at most 3 x its hand-written SQL


def _number(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def page_rows(runs) -> list[dict]:
    """One row per page: the largest size's figures, and the smallest size's time beside them
    when there were two."""
    largest, smallest = runs[-1], runs[0]
    rows = []
    for name, row in largest.rows.items():
        merged = {
            "group": row["group"],
            "name": name,
            "path": row.get("path"),
            "median_ms": row.get("median_ms"),
            "raw_ms": row.get("raw_ms"),
            "ratio": row.get("ratio"),
            "statements": row.get("statements"),
            "note": row.get("note", ""),
            "size": largest.size,
        }
        if smallest is not largest:
            small = smallest.rows.get(name, {})
            merged[f"median_ms_{smallest.size}"] = small.get("median_ms")
            merged[f"statements_{smallest.size}"] = small.get("statements")
            if small.get("median_ms") and row.get("median_ms"):
                merged["scale_ratio"] = row["median_ms"] / small["median_ms"]
        rows.append(merged)
    return rows


def _scaled_names() -> set[str]:
    """The rows whose time should not grow with the country: national and regional pages."""
    from bench.pages import PAGES

    return {page.name for page in PAGES if page.scaled}


def table(runs, others: list[dict]) -> str:
    two = len(runs) > 1
    scaled = _scaled_names()
    head = ["Group", "Page", "Median ms", "Raw SQL ms", "Ratio", "Statements"]
    if two:
        head += [f"{runs[0].size} ms", f"{runs[-1].size}/{runs[0].size}"]
    head.append("Note")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in page_rows(runs):
        cells = [
            row["group"],
            row["name"],
            _number(row["median_ms"]),
            _number(row["raw_ms"]),
            _number(row["ratio"]),
            _number(row["statements"]),
        ]
        note = row["note"]
        if two:
            cells += [
                _number(row.get(f"median_ms_{runs[0].size}")),
                # A national job (the snapshot) grows with the country by nature: shown, no target.
                _number(row.get("scale_ratio"), 2) if row["name"] in scaled or row["group"] == "Jobs" else "",
            ]
            if row["name"] in scaled and (row.get("scale_ratio") or 0) > SCALE_TARGET:
                note = (note + "; " if note else "") + f"over {SCALE_TARGET} x"
        if row["ratio"] and row["ratio"] > RATIO_TARGET:
            note = (note + "; " if note else "") + f"over {RATIO_TARGET:g} x raw"
        cells.append(note)
        lines.append("| " + " | ".join(cells) + " |")
    for row in others:
        cells = [
            row.get("group", ""),
            row.get("name", ""),
            _number(row.get("median_ms")),
            _number(row.get("raw_ms")),
            _number(row.get("ratio")),
            _number(row.get("statements")),
        ]
        if two:
            cells += ["", ""]
        cells.append(row.get("note") or "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_table(figures: list[dict]) -> str:
    if not figures:
        return ""
    lines = [
        "| Target | req/s | p50 ms | p95 ms | p99 ms | Errors | Requests | CPU ms/request | × bare CPU |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in figures:
        lines.append(
            f"| {row['name']} | {row['rps']:.1f} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | "
            f"{row['p99_ms']:.0f} | {row['failures']} | {row['requests']} | "
            f"{_number(row['cpu_ms_per_request'], 2)} | {_number(row.get('cpu_ratio_to_bare'))} |"
        )
    return "\n".join(lines)


def write(runs, others: list[dict]) -> Path:
    from bench import load

    now = datetime.now(UTC)
    loads = [figures for run in runs for figures in run.load_test]
    sizes = ", ".join(f"{run.size}: {run.cases:,} cases loaded in {run.load_seconds:.0f} s" for run in runs)
    heading = (
        f"# make bench, {now:%Y-%m-%d %H:%M} UTC\n\n"
        f"{os.cpu_count()} cores, PostgreSQL {runs[-1].postgres}, Python {platform.python_version()}. "
        f"{sizes}.\n\nPages: the median of 3 to 15 GETs each (the statements each made); raw SQL: "
        "the same data by hand-written SQL (bench/pages.py) on the same connection pool; ratio = "
        f"page / raw SQL (target ≤ {RATIO_TARGET:g}); the size ratio (target ≤ {SCALE_TARGET}) "
        "for the national and regional pages. The reminder sweep's ratio is against its first row "
        "(bench/sweep.py).\n"
    )
    markdown = heading + "\n" + table(runs, others) + "\n"
    if loads:
        markdown += (
            f"\nLoad test: {load.USERS} users at {load.RATE:g} requests/s each for {load.SECONDS} s "
            f"(locust on the same machine), gunicorn {load.WORKERS} workers on the {runs[-1].size} "
            "data; then the same load against a bare Flask endpoint. Targets: ≥ 100 req/s with "
            "p95 ≤ 200 ms; ≤ 25 × the bare endpoint's CPU per request.\n\n" + load_table(loads) + "\n"
        )
    print(markdown)
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"bench-{now:%Y%m%d-%H%M}"
    stem.with_suffix(".md").write_text(markdown)
    stem.with_suffix(".json").write_text(
        json.dumps(
            {
                "date": now.isoformat(timespec="seconds"),
                "cores": os.cpu_count(),
                "postgresql": runs[-1].postgres,
                "python": platform.python_version(),
                "sizes": {
                    run.size: {"cases": run.cases, "load_seconds": run.load_seconds, "size": run.sized}
                    for run in runs
                },
                "pages": page_rows(runs),
                "pages_by_size": {run.size: list(run.rows.values()) for run in runs},
                "others": others,
                "load_test": loads,
                "settings": {  # not the URLs: they may carry a password
                    key: value
                    for key, value in os.environ.items()
                    if key.startswith("BENCH_") and not key.endswith("_URL")
                },
            },
            indent=1,
            default=str,
        )
    )
    print(f"Written: {stem.with_suffix('.md').name} and {stem.with_suffix('.json').name} in bench/results/")
    return stem
