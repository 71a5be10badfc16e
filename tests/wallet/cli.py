"""Running ``nansen wallet`` in-process, as a person would type it."""

from __future__ import annotations

from click.testing import Result
from typer.testing import CliRunner

from wallet.cli import app


def run(*args: str, passphrase: str | None = None, input: str | None = None, **env: str) -> Result:
    environment = dict(env)
    if passphrase is not None:
        environment["NANSEN_WALLET_PASSPHRASE"] = passphrase
    return CliRunner().invoke(app, list(args), env=environment, input=input, catch_exceptions=False)
