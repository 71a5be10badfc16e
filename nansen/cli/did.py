"""``nansen did``: create keys and their DIDs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nansen.cli.io import fail, usage_error
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair

app = typer.Typer(help="Create decentralized identifiers (DIDs) and their keys.", no_args_is_help=True)


@app.command("new")
def new(
    out: Annotated[Path, typer.Option("--out", help="Where to write the key file (mode 0600).")],
    seed: Annotated[
        str | None, typer.Option("--seed", help="32 bytes in hex, for a reproducible key (tests only).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing key file.")] = False,
) -> None:
    """Create an Ed25519 did:key, write its key file and print the DID."""
    if seed is not None:
        try:
            seed_bytes = bytes.fromhex(seed)
        except ValueError:
            fail("The seed must be hexadecimal.")
        if len(seed_bytes) != 32:
            fail("The seed must be exactly 32 bytes (64 hex digits).")
        key_pair = Ed25519KeyPair.from_seed(seed_bytes)
    else:
        key_pair = Ed25519KeyPair.generate()
    if out.is_dir():
        usage_error(f"{out} is a directory; give the path of the key file to write.")
    if out.exists() and not force:
        fail(f"{out} exists already; choose another path or pass --force.")
    signer = did_key.signing_key(key_pair)
    try:
        signer.write(out)
    except OSError as error:
        usage_error(f"Cannot write {out}: {error.strerror}.")
    typer.echo(signer.controller)
