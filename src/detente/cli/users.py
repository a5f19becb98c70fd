"""``detente users``: the accounts of a shared server (``detente serve --accounts``)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from detente import api
from detente.cli.common import OutputFormat, console, err_console, guard
from detente.cli.options import TableJsonOpt

app = typer.Typer(
    name="users",
    help=(
        "The accounts of a shared server: add (prints the user's token, once), list, "
        "remove; and teams (`detente users team`). `detente serve --accounts` then asks "
        "every request for one user's token and shows each user only their own uploads, "
        "edits and jobs, and what others shared with a team of theirs.\n\n"
        "They are kept in the history database: --db or DETENTE_DB (a file, or a URL "
        "such as postgresql+psycopg://user@host/db)."
    ),
    no_args_is_help=True,
)

DbOpt = Annotated[str | None, typer.Option(
    "--db", help="The server's database: a file path or a SQLAlchemy URL. Default: "
    "$DETENTE_DB, else history.sqlite in the user data folder.", show_default=False)]
NameArg = Annotated[str, typer.Argument(
    help="The user's name: a lower-case letter, then lower-case letters, digits, _ . -")]


@app.command("add")
@guard
def add(name: NameArg, db: DbOpt = None) -> None:
    """Add a user and print their token (shown this once: only its hash is kept)."""
    token, where = api.add_user(name, db=db)
    err_console.print(f"added user {name} ({where}); their token, shown this once:",
                      highlight=False)
    console.print(token, highlight=False, soft_wrap=True)


@app.command("list")
@guard
def list_users(db: DbOpt = None, output: TableJsonOpt = OutputFormat.table) -> None:
    """The users (names and when they were added; never their tokens)."""
    users = api.users(db=db)
    if output == OutputFormat.json:
        console.print_json(json.dumps([u.to_dict() for u in users]))
        return
    if not users:
        console.print("no users (add one with `detente users add NAME`)")
    for user in users:
        console.print(f"{user.name}  added {user.created_at:%Y-%m-%d %H:%M}",
                      highlight=False)


@app.command("remove")
@guard
def remove(name: NameArg, db: DbOpt = None) -> None:
    """Remove a user: their token stops working within a second, their uploads are deleted and
    their unfinished jobs cancelled."""
    where = api.remove_user(name, db=db)
    console.print(f"removed user {name} ({where})", highlight=False)


team_app = typer.Typer(
    name="team",
    help="Teams: a user shares an upload with a team they are in (on the web, or POST "
    "/api/scenarios/ID/shares), and its members then see it, read only. create, add "
    "members, remove members, delete, list.",
    no_args_is_help=True,
)
app.add_typer(team_app)

TeamArg = Annotated[str, typer.Argument(
    help="The team's name: a lower-case letter, then lower-case letters, digits, _ . -")]
MembersArg = Annotated[list[str], typer.Argument(help="Users' names (added before).")]


@team_app.command("create")
@guard
def team_create(team: TeamArg, db: DbOpt = None) -> None:
    """Create a team (with no members yet)."""
    where = api.add_team(team, db=db)
    console.print(f"created team {team} ({where})", highlight=False)


@team_app.command("add")
@guard
def team_add(team: TeamArg, users: MembersArg, db: DbOpt = None) -> None:
    """Put users in a team: they see what its members share with it."""
    where = api.add_team_members(team, users, db=db)
    console.print(f"team {team}: added {', '.join(users)} ({where})", highlight=False)


@team_app.command("remove")
@guard
def team_remove(team: TeamArg, users: MembersArg, db: DbOpt = None) -> None:
    """Take users out of a team: they no longer see what was shared with it."""
    where = api.remove_team_members(team, users, db=db)
    console.print(f"team {team}: removed {', '.join(users)} ({where})", highlight=False)


@team_app.command("delete")
@guard
def team_delete(team: TeamArg, db: DbOpt = None) -> None:
    """Delete a team: what was shared with it is no longer shared."""
    where = api.remove_team(team, db=db)
    console.print(f"deleted team {team} ({where})", highlight=False)


@team_app.command("list")
@guard
def team_list(db: DbOpt = None, output: TableJsonOpt = OutputFormat.table) -> None:
    """The teams and their members."""
    found = api.teams(db=db)
    if output == OutputFormat.json:
        console.print_json(json.dumps([t.to_dict() for t in found]))
        return
    if not found:
        console.print("no teams (create one with `detente users team create NAME`)")
    for t in found:
        console.print(f"{t.name}: {', '.join(t.members) or '(no members)'}", highlight=False)
