"""Administration: the reference and demonstration data, and users."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from tracker.cli.schema import needs_schema
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.services import DomainError, seed
from tracker.services import inspections as inspection_service
from tracker.services import users as user_service


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also load the demonstration inspection, tracking and users.")
@click.option("--show-passwords", is_flag=True,
              help="Print the demonstration users of this database whose passwords are known (make run).")
@click.option("--path", "root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Read seed files from this folder instead of seed_data/.")
@needs_schema(upgradable=True)
def seed_command(demo: bool, show_passwords: bool, root: Path | None) -> None:
    """Load the reference data (forces, themes) and, with --demo, the demonstration data (publishing the
    demonstration responses its files mark as published).

    Safe to run again: records that exist are left as they are. A malformed file loads nothing.
    """
    instance_path = Path(current_app.instance_path)
    try:
        passwords = seed.seed_database(root or seed.SEED_DIR, demo=demo, instance_path=instance_path,
                                       published_dir=Path(current_app.config["TRACKER_PUBLISHED_DIR"]))
    except seed.SeedError as exc:
        raise click.ClickException(f"Seed data refused, nothing loaded: {exc}") from None
    counts = seed.count_rows()
    click.echo("Loaded: " + ", ".join(f"{n} {table}" for table, n in counts.items()))
    if passwords:
        click.echo(f"New demonstration users' passwords are in {seed.passwords_file(instance_path)}")
    if show_passwords:
        users = seed.demo_passwords(instance_path)
        click.echo("\nDemonstration users (email, password, role) - for this demonstration only:" if users
                   else "\nNo demonstration user's password is known for this database.")
        for line in users:
            click.echo("\t".join(line))



@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--force", "force_slugs", multiple=True,
              help="A force the user belongs to (repeat for more); a service_admin belongs to every force.")
@click.password_option(help="The password (asked for when not given).")
@needs_schema()
def create_user_command(email: str, name: str, role: str, force_slugs: tuple[str, ...], password: str) -> None:
    """Create a user with a role and membership of one or more forces.

    The service administrator (--role service_admin), who manages every force's users and the
    inspections shared between forces, is made here only, never on the users page.
    """
    forces = []
    for slug in force_slugs:
        force = inspection_service.get_force(slug)
        if force is None:
            raise click.ClickException(f"No force has the slug {slug!r}")
        forces.append(force)
    if forces and role == Role.SERVICE_ADMIN.value:
        raise click.ClickException("A service administrator belongs to every force: give no --force")
    if not forces and role != Role.SERVICE_ADMIN.value:
        raise click.ClickException("Give at least one --force: users see only their forces' records")
    try:
        user_service.create_user(email, name, Role(role), forces, password)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {email} ({role})")




