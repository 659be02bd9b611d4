"""`flask --app victims seed demo`: fictional demo data with printed sign-in details."""

from __future__ import annotations

import click
import pyotp
from flask import current_app
from flask.cli import AppGroup

from victims.demo.data import load_demo
from victims.demo.national import NationalSize, load_national
from victims.demo.staff import DEMO_DOMAIN, demo_totp_secret

seed_cli = AppGroup("seed", help="Load demo data.")


@seed_cli.command("demo")
def demo() -> None:
    load_demo()


@seed_cli.command("national")
@click.option("--regions", default=NationalSize.regions, show_default=True, help="Regions (of the 12).")
@click.option("--teams-per-region", default=NationalSize.teams_per_region, show_default=True)
@click.option("--vlos", default=NationalSize.vlos, show_default=True)
@click.option("--spos-per-team", default=NationalSize.spos_per_team, show_default=True)
@click.option(
    "--cases", default=NationalSize.cases, show_default=True, help="All cases, the closed included."
)
@click.option("--audit-events", default=NationalSize.audit_events, show_default=True)
@click.option("--caseload-low", default=NationalSize.caseload_low, show_default=True)
@click.option("--caseload-high", default=NationalSize.caseload_high, show_default=True)
@click.option(
    "--busiest", default=NationalSize.busiest, show_default=True, help="Open cases of the busiest VLO."
)
@click.option(
    "--lightest", default=NationalSize.lightest, show_default=True, help="Open cases of the lightest."
)
@click.option("--queue-per-team", default=NationalSize.queue_per_team, show_default=True)
@click.option("--seed", default=NationalSize.seed, show_default=True)
@click.option("--chunk", default=NationalSize.chunk, show_default=True, help="Cases computed at a time.")
@click.option(
    "--replace",
    is_flag=True,
    help="If the database holds cases, empty it first: staff, cases and all made since (not the regions).",
)
def national(replace: bool, **size: int) -> None:
    """Load the national data set (issue 16): sizes as options, the same every time for a seed."""
    load_national(NationalSize(**size), replace=replace)


@seed_cli.command("code")
@click.argument("email")
def code(email: str) -> None:
    """Print the current security code of a demo user (development only)."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Not available in the production configuration")
    if not email.lower().endswith("@" + DEMO_DOMAIN):
        raise click.ClickException("Only demo users' codes can be shown")
    click.echo(pyotp.TOTP(demo_totp_secret(email.lower())).now())
