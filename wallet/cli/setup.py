"""``init`` and ``duress``: making the wallet, and the decoy it opens under coercion."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from nansen.errors import NansenError
from wallet.cli.common import (
    WalletOption,
    directory_of,
    duress_passphrase,
    opened,
    passphrase,
    refuse,
)
from wallet.cli.recovery import SharesOption, ThresholdOption, make_backup, print_shares
from wallet.kdf import LEVELS, configured_cost
from wallet.wallet import Wallet


def init(
    wallet: WalletOption = None,
    duress: Annotated[
        bool, typer.Option("--duress", help="Also set a duress passphrase, which opens a decoy wallet.")
    ] = False,
    recovery: Annotated[
        bool | None,
        typer.Option(
            "--recovery/--no-recovery",
            help="Set up recovery now: a backup and guardian shares (asked when interactive).",
            show_default=False,
        ),
    ] = None,
    threshold: ThresholdOption = 2,
    shares: SharesOption = 3,
) -> None:
    """Create a wallet: its master secret, its holder DID, encrypted under a passphrase."""
    secret = passphrase(new=True)
    try:
        cost = configured_cost()
        if cost == LEVELS["minimum"]:
            typer.echo(
                "Warning: NANSEN_WALLET_KDF=minimum is for tests: it does not slow guessing.", err=True
            )
        with Wallet.create(directory_of(wallet), secret, cost) as held:
            typer.echo(f"Created the wallet of {held.did}")
            if duress:
                held.set_duress(duress_passphrase())
                typer.echo("The duress passphrase is set.")
    except NansenError as error:
        refuse(error)
    if recovery is None:
        recovery = sys.stdin.isatty() and typer.confirm("Set up recovery now (a backup and guardian shares)?")
    if recovery:
        with opened(wallet, secret) as held:
            make_backup(held, secret, None)
            print_shares(held.guardian_shares(threshold, shares), threshold)
    else:
        typer.echo("Set up recovery later with `nansen wallet backup` and `nansen wallet guardians split`.")


def duress(wallet: WalletOption = None) -> None:
    """Set, or replace, the duress passphrase: it opens a decoy wallet, and nothing shows that another exists."""
    with opened(wallet) as held:
        held.set_duress(duress_passphrase())
        typer.echo("The duress passphrase is set.")
