"""``present``: a presentation signed by the holder, as QR text and a PNG image."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from nansen.cli.io import fail, print_json
from nansen.crypto import Recipient
from nansen.errors import NansenError
from nansen.proofs import DEFAULT_SUITE, SUITES
from nansen.qr import encode_presentation, qr_png
from nansen.qr.challenge import CHALLENGE_PREFIX, decode_challenge
from nansen.qr.sdjwt import encode_sd_jwt
from wallet import atomic
from wallet.cli.common import WalletOption, opened, refuse, resolver, scratch, trust_source
from wallet.openid4vp import answer as openid4vp_answer
from wallet.trustcheck import standing


def present(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="The credential's id, as `nansen wallet list` prints it.")
    ],
    challenge: Annotated[
        str | None,
        typer.Option(
            "--challenge",
            help="The verifier's one-time challenge, if it gave one (its QR code's NC1: text carries the domain too).",
        ),
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
    disclose: Annotated[
        str | None,
        typer.Option(
            "--disclose",
            metavar="CLAIM,...",
            help="An SD-JWT credential: the claims to disclose (comma-separated); nothing else is shown.",
        ),
    ] = None,
    openid4vp: Annotated[
        str | None,
        typer.Option(
            "--openid4vp",
            metavar="REQUEST-URI",
            help="Answer an OpenID4VP request (openid4vp://…): disclose what it asks for, post it to the verifier.",
        ),
    ] = None,
    wallet: WalletOption = None,
) -> None:
    """Present a credential: signed by the holder's key, bound to the verifier's challenge.

    An SD-JWT credential is presented with only the claims named by --disclose and a Key Binding
    JWT: the challenge is its nonce and the domain (or the verifier's DID) its audience."""
    if suite not in SUITES:
        fail("The cryptosuite must be eddsa-rdfc-2022 or eddsa-jcs-2022.")
    challenge, domain = _scanned_challenge(challenge, domain)
    if openid4vp is not None:
        with opened(wallet) as held:
            try:
                answered = openid4vp_answer(held, ident, openid4vp)
            except NansenError as error:
                refuse(error)
        typer.echo(f"Presented to {answered.client_id}, disclosing: {', '.join(answered.disclosed)}.")
        return
    if verifier is not None:
        _announce(verifier)
    if disclose is not None:
        if share_document:
            fail("An SD-JWT credential cannot share the original document.")
        names = [n.strip() for n in disclose.split(",") if n.strip()]
        with opened(wallet) as held:
            try:
                text = held.present_sd_jwt(ident, names, nonce=challenge, audience=domain or verifier)
            except NansenError as error:
                refuse(error)
        _emit(text, encode_sd_jwt, qr, as_json)
        return
    recipient = None
    if verifier is not None:
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
    _emit(vp, encode_presentation, qr, as_json)


def _scanned_challenge(challenge: str | None, domain: str | None) -> tuple[str | None, str | None]:
    """The challenge and domain, read from the ``NC1:`` text of a verifier page's QR code when
    ``--challenge`` is one (`nansen.qr.challenge`); any other challenge is used as given."""
    if challenge is None or not challenge.startswith(CHALLENGE_PREFIX):
        return challenge, domain
    try:
        scanned = decode_challenge(challenge)
    except NansenError as error:
        refuse(error)
    if domain is not None and domain != scanned.domain:
        fail("--domain differs from the domain in the challenge's QR code.")
    return scanned.challenge, scanned.domain


def _announce(verifier: str) -> None:
    """Whether the verifier the holder named is on the trust list (a warning when it is not)."""
    found = standing(verifier, trust_source())
    if found.listed:
        typer.echo(found.message, err=True)
    else:
        typer.echo(f"Warning: {found.message}", err=True)


def _emit(presentation: Any, encode: Callable[[Any], str], qr: Path | None, as_json: bool) -> None:
    """The presentation as QR text (and image), or itself: JSON, or an SD-JWT+KB's compact text."""
    try:
        text = encode(presentation)
        if qr is not None:
            atomic.replace(qr, [qr_png(text)])
    except OSError as error:
        fail(f"Cannot write {qr}: {error.strerror}.")
    except NansenError as error:
        refuse(error)
    if not as_json:
        typer.echo(text)
    elif isinstance(presentation, str):
        typer.echo(presentation)
    else:
        print_json(presentation)
