"""``backup``, ``guardians split``, ``recover`` and ``forget``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nansen.cli.io import fail
from nansen.errors import NansenError
from nansen.ipfs import CID, IpfsError
from nansen.timeutil import format_datetime, now
from wallet.cli.common import (
    WalletOption,
    directory_of,
    opened,
    passphrase,
    refuse,
    store,
)
from wallet.store import fetch_backup, parse_cid
from wallet.wallet import Wallet

guardians_app = typer.Typer(help="Guardian shares of the recovery secret (SLIP-39).", no_args_is_help=True)

ThresholdOption = Annotated[int, typer.Option("--threshold", min=1, max=16, help="Shares needed to recover.")]
SharesOption = Annotated[
    int, typer.Option("--shares", min=1, max=16, help="Shares to make, one per guardian.")
]


def print_sheet(cid: CID) -> None:
    typer.echo(
        f"""
NANSEN WALLET: RECOVERY SHEET
Backup CID: {cid}
Made on:    {format_datetime(now())}

If this phone is lost, on any device with Nansen run
    nansen wallet recover --cid {cid}
and type your passphrase; or add --guardians and type the shares of enough of your guardians.
A copy of the backup exported with --car can be used instead: recover --car FILE.

This sheet holds no key. You may give it to a partner you trust: nobody can open the backup
without your passphrase or your guardians' shares.
"""
    )


def print_shares(shares: list[str], threshold: int) -> None:
    typer.echo(f"Give one share to each guardian. Any {threshold} of these {len(shares)} recover the wallet:")
    for number, share in enumerate(shares, 1):
        typer.echo(f"\nShare {number} of {len(shares)}:\n{share}")
    typer.echo("\nKeep no copy of the shares on this phone.")


#: What forgetting and replacing backups cannot reach, said each time (wallet/README.md, "Forget").
BEYOND_REACH = (
    "Not reachable from this device: other IPFS nodes and pinning services were asked to unpin, but "
    "they, or anyone who fetched the content or kept a CAR file, may still hold copies. A copy of an "
    "earlier backup still opens with your passphrase or guardian shares and holds the keys it held then; "
    "the forgotten documents' ciphertext stays unreadable only while no such copy survives and no "
    "verifier you shared a document with kept its key."
)


def make_backup(wallet: Wallet, secret: str, car: Path | None, replace: bool = False) -> None:
    target = store()
    earlier = len(wallet.state.backups) if replace else 0
    try:
        cid = wallet.backup(target, secret, replace=replace)
        if car is not None:
            with car.open("wb") as out:
                target.export_car(cid, out)
    except OSError as error:
        fail(f"Cannot write the CAR file: {error.strerror}.")
    except NansenError as error:
        refuse(error)
    if earlier:
        typer.echo(f"{earlier} earlier backup(s) were unpinned and deleted from this device's store.")
        typer.echo(BEYOND_REACH, err=True)
    print_sheet(cid)


def backup(
    wallet: WalletOption = None,
    car: Annotated[
        Path | None,
        typer.Option("--car", help="Also write the backup as a CAR file (to carry or give away)."),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Unpin the earlier backups (their CIDs stop working once collected)."),
    ] = False,
) -> None:
    """Back up everything, encrypted, to the document store (IPFS); print its CID and a recovery sheet."""
    secret = passphrase()
    with opened(wallet, secret) as held:
        make_backup(held, secret, car, replace)


def guardians_split(threshold: ThresholdOption, shares: SharesOption, wallet: WalletOption = None) -> None:
    """Split the recovery secret into SLIP-39 shares for trusted people or organisations."""
    with opened(wallet) as held:
        print_shares(held.guardian_shares(threshold, shares), threshold)


guardians_app.command("split")(guardians_split)


def _fetch_backup(cid: str | None, car: Path | None) -> bytes:
    try:
        if car is None:
            return fetch_backup(store(), parse_cid(cid) if cid is not None else None)
        with car.open("rb") as stream:
            return fetch_backup(store(), parse_cid(cid) if cid is not None else None, stream)
    except OSError as error:
        fail(f"Cannot read the CAR file: {error.strerror}.")


def _shares() -> list[str]:
    typer.echo("Type one guardian share per line; an empty line when done.", err=True)
    shares: list[str] = []
    while line := str(typer.prompt(f"Share {len(shares) + 1}", default="", show_default=False)).strip():
        shares.append(line)
    return shares


def recover(
    cid: Annotated[
        str | None, typer.Option("--cid", help="The backup's CID (from the recovery sheet).")
    ] = None,
    car: Annotated[Path | None, typer.Option("--car", help="Read the backup from this CAR file.")] = None,
    use_guardians: Annotated[
        bool,
        typer.Option("--guardians", help="Open the backup with guardian shares instead of the passphrase."),
    ] = False,
    wallet: WalletOption = None,
) -> None:
    """Restore the whole wallet from a backup, into a new, empty directory."""
    if cid is None and car is None:
        fail("Give the backup's CID (--cid), or a CAR file (--car), or both.")
    try:
        data = _fetch_backup(cid, car)
        shares = _shares() if use_guardians else []
        secret = passphrase(new=bool(shares))
        with Wallet.recover(directory_of(wallet), data, passphrase=secret, shares=shares) as held:
            count = len(held.state.credentials)
            typer.echo(f"Recovered the wallet of {held.did} with {count} credential(s).")
    except NansenError as error:
        refuse(error)


def forget(
    ids: Annotated[list[str] | None, typer.Argument(metavar="ID", help="Credentials to forget.")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Forget every credential and document.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    wallet: WalletOption = None,
) -> None:
    """Destroy credentials and the keys of their documents (crypto-shredding); unpin what was pinned."""
    if bool(ids) == everything:
        fail("Name the credentials to forget, or give --all.")
    if not yes and not typer.confirm("Their documents can never be opened again. Forget?"):
        raise typer.Exit(1)
    secret = passphrase()
    with opened(wallet, secret) as held:
        try:
            done = held.forget(None if everything else ids, store(), secret)
        except IpfsError as error:
            refuse(error)
        typer.echo(
            f"Destroyed: {done.removed} credential(s) and their document keys (in the wallet file); "
            f"{done.backups_destroyed} earlier backup(s) and {done.documents_destroyed} encrypted "
            "document(s), unpinned and deleted from this device's store."
        )
        if done.backup is not None:
            typer.echo("The new backup below holds none of the forgotten keys.")
            print_sheet(done.backup)
        elif done.backup_error is not None:
            typer.echo(
                f"Warning: no new backup could be made ({done.backup_error}) so earlier backups, which "
                "still hold the keys, stay pinned; run `nansen wallet backup --replace` when the store "
                "can be reached.",
                err=True,
            )
        typer.echo(BEYOND_REACH, err=True)
