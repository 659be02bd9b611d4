"""`flask --app victims seed demo`: fictional demo data with printed sign-in details."""

from __future__ import annotations

import click
import pyotp
from flask import current_app
from flask.cli import AppGroup

from victims.demo.data import load_demo
from victims.demo.staff import DEMO_DOMAIN, demo_totp_secret

seed_cli = AppGroup("seed", help="Load demo data.")


@seed_cli.command("demo")
def demo() -> None:
    load_demo()


@seed_cli.command("code")
@click.argument("email")
def code(email: str) -> None:
    """Print the current security code of a demo user (development only)."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Not available in the production configuration")
    if not email.lower().endswith("@" + DEMO_DOMAIN):
        raise click.ClickException("Only demo users' codes can be shown")
    click.echo(pyotp.TOTP(demo_totp_secret(email.lower())).now())
