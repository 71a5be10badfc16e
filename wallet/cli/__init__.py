"""``nansen wallet``: the holder's wallet on the command line.

Registered in the ``nansen.commands`` entry-point group (``wallet = "wallet.cli:app"``), so the
core's command finds it without importing it. Every command takes ``--wallet DIR``; the variables
it reads are listed in :mod:`wallet.cli.common`.
"""

from __future__ import annotations

import typer

from service.files import keep_private
from wallet.cli import holding, presenting, recovery, setup
from wallet.host import cli as host

app = typer.Typer(
    help="The holder's wallet: keys, credentials and documents, kept safe.", no_args_is_help=True
)


@app.callback()
def _private_files() -> None:
    """Everything the commands create is the owner's only (service.files)."""
    keep_private()


app.command("init")(setup.init)
app.command("duress")(setup.duress)
app.command("did")(holding.did)
app.command("receive")(holding.receive)
app.command("list")(holding.list_credentials)
app.command("show")(holding.show)
app.add_typer(holding.document_app, name="document")
app.command("present")(presenting.present)
app.command("backup")(recovery.backup)
app.add_typer(recovery.guardians_app, name="guardians")
app.command("recover")(recovery.recover)
app.command("forget")(recovery.forget)
app.command("serve")(host.serve)
app.add_typer(host.host_app, name="host")
