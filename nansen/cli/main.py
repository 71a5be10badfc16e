"""The ``nansen`` command line.

Core sub-commands live here; each role (issuer, wallet, verifier) registers its own Typer app in
the ``nansen.commands`` entry-point group, so the core never imports a role (DESIGN.md §2).
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points

import typer

from nansen.cli import credential, demo, did, document, ipfs, presentation, trust
from nansen.cli.io import configured
from nansen.config import core_settings

app = typer.Typer(
    help="Nansen: verifiable credentials that keep the identity documents of people at risk safe.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Click's plain help, for every command below: Typer's Rich panels label each option with a
    # Python type (``<bool>`` beside every flag, ``--help`` too) and offer no way to turn that off.
    rich_markup_mode=None,
)


_HELP = "--help"


@app.callback()
def _check_settings() -> None:
    """Before any command: the core's ``NANSEN_*`` variables, read afresh (nansen.config), or one
    line naming the one that cannot be used and exit 2. A request for help is answered whatever the
    settings: it is how a person finds out what to set."""
    if _HELP in sys.argv[1:]:
        return
    core_settings.cache_clear()
    configured(core_settings)


app.add_typer(did.app, name="did")
app.add_typer(credential.app, name="credential")
app.add_typer(presentation.app, name="presentation")
app.add_typer(ipfs.app, name="ipfs")
app.add_typer(document.app, name="document")
app.add_typer(trust.app, name="trust")
app.command("demo")(demo.demo)


def _add_role_commands(argv: list[str]) -> None:
    """Load the role named on the command line only (importing every role's web stack costs
    about a second per invocation); all of them for the top-level help."""
    roles = entry_points(group="nansen.commands")
    core = {group.name for group in app.registered_groups} | {c.name for c in app.registered_commands}
    named = [entry for entry in roles if argv[1:2] == [entry.name]]
    for entry in named or ([] if argv[1:2] and argv[1] in core else roles):
        app.add_typer(entry.load(), name=entry.name)


def run() -> None:
    _add_role_commands(sys.argv)
    app()
