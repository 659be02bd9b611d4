"""`flask --app victims postcodes import FILE`: load the ONS Postcode Directory (its CSV or the
.zip it is published as), or any CSV of postcode, latitude and longitude, replacing the postcodes
held. A file with any bad row stores nothing (docs/operations.md)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import click
from flask.cli import AppGroup

from victims.extensions import db
from victims.postcodes import services

postcodes_cli = AppGroup("postcodes", help="The postcode table: where each postcode is.")


@contextlib.contextmanager
def _bar(label: str, length: int) -> Iterator[Callable[[int], None]]:
    with click.progressbar(length=max(length, 1), label=f"{label:<22}", show_pos=False, width=36) as bar:
        yield bar.update


@postcodes_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_(file: str) -> None:
    """Replace the postcodes held with FILE's (ONSPD CSV or .zip, or postcode,latitude,longitude)."""
    start = time.perf_counter()
    try:
        imported = services.import_file(file, progress=_bar)
    except services.Refused as refused:
        db.session.rollback()
        for problem in refused.problems:
            click.echo(f"  line {problem.line:,}: {problem.reason}", err=True)
        if refused.total > len(refused.problems):
            click.echo(f"  … and {refused.total - len(refused.problems):,} more", err=True)
        raise click.ClickException(f"{refused}. The postcodes already held are unchanged.") from None
    db.session.commit()
    seconds = time.perf_counter() - start
    click.echo(f"Imported {imported.source}")
    click.echo(f"Postcodes loaded: {imported.rows:,}")
    click.echo(f"Skipped, no location: {imported.no_location:,}")
    if imported.duplicates:
        click.echo(f"Skipped, repeated with the same coordinates: {imported.duplicates:,}")
    click.echo(f"Time: {seconds:.1f} s ({imported.rows / seconds:,.0f} rows/s)")
