"""`flask --app victims api-clients create NAME --region CODE [--team ID]`: the token is printed once."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from victims.api.auth import create_client
from victims.api.auth import revoke as revoke_client
from victims.api.models import ApiClient
from victims.extensions import db
from victims.staff.models import Region, Team

api_clients_cli = AppGroup("api-clients", help="Manage the systems allowed to call the API.")


@api_clients_cli.command("create")
@click.argument("name")
@click.option("--region", "region_code", required=True, help="Region code, e.g. east_of_england")
@click.option("--team", "team_id", type=int, default=None, help="Team that receives referrals by default")
def create(name: str, region_code: str, team_id: int | None) -> None:
    region = db.session.scalar(select(Region).where(Region.code == region_code))
    if region is None:
        codes = ", ".join(db.session.scalars(select(Region.code).order_by(Region.code)))
        raise click.ClickException(f"No region {region_code!r}; use one of: {codes}")
    if team_id is not None:
        team = db.session.get(Team, team_id)
        if team is None or team.region_id != region.id:
            raise click.ClickException(f"No team {team_id} in {region.name}")
    if db.session.scalar(select(ApiClient).where(ApiClient.name == name)) is not None:
        raise click.ClickException(f"An API client called {name!r} already exists")
    client, token = create_client(name, region.id, team_id)
    db.session.commit()
    click.echo(f"API client {client.name} (id {client.id}) for {region.name}.")
    click.echo("Its token, shown only now – keep it secret:")
    click.echo(token)


@api_clients_cli.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    client = db.session.scalar(select(ApiClient).where(ApiClient.name == name))
    if client is None:
        raise click.ClickException(f"No API client called {name!r}")
    revoke_client(client)
    db.session.commit()
    click.echo(f"Revoked {name}.")
