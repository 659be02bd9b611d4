"""`flask --app victims seed demo`: fictional demo data with printed sign-in details."""

from __future__ import annotations

import click
from flask.cli import AppGroup

seed_cli = AppGroup("seed", help="Load demo data.")


@seed_cli.command("demo")
def demo() -> None:
    from victims.demo import load_demo

    load_demo()
