"""``present``: a presentation signed by the holder, as QR text and a PNG image."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nansen.cli.io import fail, print_json
from nansen.crypto import Recipient
from nansen.errors import NansenError
from nansen.proofs import DEFAULT_SUITE, SUITES
from nansen.qr import encode_presentation, qr_png
from wallet import atomic
from wallet.cli.common import WalletOption, opened, refuse, resolver, scratch, trust_source
from wallet.trustcheck import standing


def present(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="The credential's id, as `nansen wallet list` prints it.")
    ],
    challenge: Annotated[
        str | None, typer.Option("--challenge", help="The verifier's one-time challenge, if it gave one.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", help="The verifier's domain, with its challenge.")
    ] = None,
    verifier: Annotated[
        str | None,
        typer.Option("--verifier", metavar="DID", help="The verifier's DID: checked on the trust list."),
    ] = None,
    share_document: Annotated[
        bool, typer.Option("--share-document", help="Let the verifier open the original document once.")
    ] = False,
    qr: Annotated[
        Path | None, typer.Option("--qr", metavar="OUT.png", help="Write the QR code image.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the presentation as JSON, not QR text.")
    ] = False,
    suite: Annotated[str, typer.Option("--suite", help="eddsa-rdfc-2022 or eddsa-jcs-2022.")] = DEFAULT_SUITE,
    wallet: WalletOption = None,
) -> None:
    """Present a credential: signed by the holder's key, bound to the verifier's challenge."""
    if suite not in SUITES:
        fail("The cryptosuite must be eddsa-rdfc-2022 or eddsa-jcs-2022.")
    recipient = None
    if verifier is not None:
        found = standing(verifier, trust_source())
        if found.listed:
            typer.echo(found.message, err=True)
        else:
            typer.echo(f"Warning: {found.message}", err=True)
        if share_document:
            try:
                with scratch() as directory:
                    recipient = Recipient.from_did(verifier, resolver(directory))
            except NansenError as error:
                refuse(error)
    elif share_document:
        typer.echo(
            "Warning: the verifier names no DID, so the document's key is in the QR code itself: "
            "anyone who reads the code can open the document.",
            err=True,
        )
    with opened(wallet) as held:
        vp = held.present(
            ident,
            challenge=challenge,
            domain=domain,
            share_document=share_document,
            recipient=recipient,
            suite=suite,
        )
    try:
        text = encode_presentation(vp)
        if qr is not None:
            atomic.replace(qr, [qr_png(text)])
    except OSError as error:
        fail(f"Cannot write {qr}: {error.strerror}.")
    except NansenError as error:
        refuse(error)
    if as_json:
        print_json(vp)
    else:
        typer.echo(text)
