"""The PDFs: a two-page letter's median render, its first render in a new process (cold, and after
the warm-up gunicorn runs in each web process), and the exclusion-zone map's median.

The first renders are timed in fresh Python processes (`python -m bench.pdfs first cold|warm`),
each forked as gunicorn forks its workers: "cold" prints its first letter with nothing loaded;
"warm" has WeasyPrint imported in the parent (gunicorn.conf.py's when_ready) and runs
victims.letters.pdf.warm_up in the child (post_fork) before the letter is timed. The median of a
few such processes is reported. Run on its own: `python -m bench.pdfs`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROUNDS = 30
FIRST_ROUNDS = 5
PROJECT = Path(__file__).resolve().parents[1]

PARAGRAPH = (
    "The Victim Contact Scheme gives you information about the offender's sentence and lets you say "
    "what conditions you think should be in the offender's licence when they are released."
)


def sample_letter():
    """A two-page English letter in standard print, as the service prints them (made-up people)."""
    from victims.letters.pdf import PrintableLetter

    return PrintableLetter(
        language="en",
        large_print=False,
        address_lines=["Ms Jane Example", "Flat 2", "14 Station Road", "Bedford", "MK40 2AB"],
        sender_lines=["Bedford Victim Contact Unit", "PO Box 123", "Bedford", "MK40 1AA"],
        date_text="26 November 2026",
        reference="Case 123 – letter 45",
        title="Information about the Victim Contact Scheme",
        sections=[
            (None, f"Dear Ms Example,\n\n{PARAGRAPH}"),
            (
                "What happens next",
                f"{PARAGRAPH} {PARAGRAPH}\n\n{PARAGRAPH}\n\nYou can:\n"
                "- ask for information at key stages\n- make a victim personal statement",
            ),
            ("Your licence conditions", f"{PARAGRAPH} {PARAGRAPH} {PARAGRAPH}\n\n{PARAGRAPH} {PARAGRAPH}"),
            ("If the offender contacts you", f"{PARAGRAPH} {PARAGRAPH}\n\n{PARAGRAPH} {PARAGRAPH}"),
            ("Contact us", f"Call 0300 123 4567, Monday to Friday, 9am to 5pm.\n\n{PARAGRAPH}"),
            (None, "Yours sincerely\n\nJane Smith\nVictim Liaison Officer"),
        ],
    )


def sample_map():
    """The exclusion-zone map of a zone around Bedford town centre (about 1 km across)."""
    from victims.domain.geometry import project_zone
    from victims.prerelease.map_pdf import MapDocument

    ring = [
        (-0.4745, 52.1398),
        (-0.4668, 52.1411),
        (-0.4590, 52.1392),
        (-0.4580, 52.1340),
        (-0.4620, 52.1312),
        (-0.4700, 52.1308),
        (-0.4752, 52.1335),
    ]
    return MapDocument(
        title="Exclusion zone: Bedford town centre",
        condition_text=(
            "Not to enter the area of Bedford town centre, as defined by the attached map, without "
            "the prior approval of your supervising officer."
        ),
        reference="Case 123 – zone 4",
        zone=project_zone([[ring]]),
        description="The zone is bounded by:\n- Midland Road to the north\n- the river to the south",
        prepared_by="Vera Liaison, Victim Liaison Officer",
        date_text="26 November 2026",
    )


def _median_ms(render, rounds: int) -> float:
    render()  # the first render loads fonts and compiles the template: not what a median is about
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        render()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _first_render(mode: str) -> float:
    """In this (fresh) process: fork as gunicorn does, and time the child's first letter."""
    from victims.letters import pdf

    if mode == "warm":
        import weasyprint  # noqa: F401  (gunicorn.conf.py's when_ready, in the master)
    letter = sample_letter()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the worker
        try:
            if mode == "warm":
                pdf.warm_up()  # gunicorn.conf.py's post_fork, before the worker takes requests
            started = time.perf_counter()
            pdf.render_pdf(letter)
            os.write(write, f"{(time.perf_counter() - started) * 1000:.3f}".encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    with os.fdopen(read) as answer:
        return float(answer.read())


def _first_render_in_new_process(mode: str) -> float:
    done = subprocess.run(  # noqa: S603  (this interpreter, this module, a fixed mode)
        [sys.executable, "-m", "bench.pdfs", "first", mode],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def _row(name: str, median_ms: float, note: str) -> dict:
    return {
        "group": "PDFs",
        "name": name,
        "median_ms": round(median_ms, 1),
        "raw_ms": None,
        "ratio": None,
        "statements": None,
        "note": note,
    }


def main() -> list[dict]:
    from victims.letters.pdf import render_pdf
    from victims.prerelease.map_pdf import render_map_pdf

    cold = statistics.median(_first_render_in_new_process("cold") for _ in range(FIRST_ROUNDS))
    warm = statistics.median(_first_render_in_new_process("warm") for _ in range(FIRST_ROUNDS))
    letter, zone_map = sample_letter(), sample_map()
    rows = [
        _row("Letter PDF (2 pages)", _median_ms(lambda: render_pdf(letter), ROUNDS), "target ≤ 100 ms"),
        _row(
            "Letter PDF, first in a new process",
            cold,
            f"nothing warmed; median of {FIRST_ROUNDS} processes",
        ),
        _row(
            "Letter PDF, first in a gunicorn worker",
            warm,
            f"after post_fork's warm-up (gunicorn.conf.py); median of {FIRST_ROUNDS} processes",
        ),
        _row("Exclusion-zone map PDF", _median_ms(lambda: render_map_pdf(zone_map), ROUNDS), "2 pages"),
    ]
    for row in rows:
        print(f"{row['group']:6} {row['name']:42} {row['median_ms']:8.1f} ms  {row['note']}")
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["first"]:
        print(f"{_first_render(sys.argv[2]):.3f}")
    else:
        main()
