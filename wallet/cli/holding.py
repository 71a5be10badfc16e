"""``did``, ``receive``, ``list``, ``show`` and ``document open``."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import segno
import typer

from nansen import jsonutil, vcdm
from nansen.cli.io import fail, load_identified, print_json, read_bytes
from nansen.config import configured_limits
from nansen.errors import NansenError
from nansen.ipfs import Store
from nansen.openid4vc.names import OFFER_SCHEME
from nansen.safehttp import fetch
from nansen.sdjwt import looks_like_sd_jwt, read
from nansen.status_source import CachedStatusLists
from nansen.status_token_source import FetchedStatusTokens
from nansen.timeutil import format_datetime
from nansen.verify import Outcome, StaticStatusLists, StatusListSource, VerificationResult, Verifier
from wallet import atomic, openid4vci
from wallet.cli.common import WalletOption, opened, refuse, resolver, scratch, store, trust_source
from wallet.receive import Issuance
from wallet.state import HeldCredential, HeldSdJwt
from wallet.store import parse_cid
from wallet.wallet import Wallet

document_app = typer.Typer(help="The original documents of credentials.", no_args_is_help=True)


def did(
    wallet: WalletOption = None,
    partner: Annotated[
        str | None,
        typer.Option("--partner", help="A DID of its own for this partner (unlinkable to the others)."),
    ] = None,
    qr: Annotated[
        Path | None, typer.Option("--qr", metavar="OUT.png", help="Write the DID as a QR code.")
    ] = None,
    terminal: Annotated[bool, typer.Option("--terminal", help="Also draw the QR code here.")] = False,
) -> None:
    """Print the holder's DID (or a partner's DID) for a partner to scan."""
    with opened(wallet) as held:
        value = held.did if partner is None else held.partner_did(partner)
    typer.echo(value)
    symbol = segno.make_qr(value, error="m")
    if qr is not None:
        out = io.BytesIO()
        symbol.save(out, kind="png", scale=6, border=4)
        try:
            atomic.replace(qr, [out.getvalue()])
        except OSError as error:
            fail(f"Cannot write {qr}: {error.strerror}.")
    if terminal:
        symbol.terminal(compact=True)


@contextlib.contextmanager
def _verifier(did_docs: list[Path], status_lists: list[Path]) -> Iterator[Verifier]:
    """The pipeline, with DID documents and status lists given as files, or fetched over HTTPS into
    a scratch directory."""
    documents = load_identified(did_docs, "--did-doc")
    source = trust_source()
    with scratch() as directory:
        lists: StatusListSource = (
            StaticStatusLists(load_identified(status_lists, "--status-list"))
            if status_lists
            else CachedStatusLists(directory / "status-lists")
        )
        yield Verifier(
            resolver=resolver(directory, documents),
            status_lists=lists,
            trust=source.policy() if source is not None else None,
            status_tokens=FetchedStatusTokens(),
        )


def _issuance(source: str) -> Any:
    """The JSON of a file, of standard input (``-``) or of an HTTPS URL (fetched with the hardened
    client: public addresses only, bounded in size and time); an SD-JWT VC as its text."""
    if source.startswith("https://"):
        limit = configured_limits().max_document_bytes
        data = fetch(source, max_bytes=limit, timeout=30, what="the issuance")
    else:
        data = read_bytes(source)
    text = data.decode("utf-8", errors="replace")
    return text.strip() if looks_like_sd_jwt(text) else jsonutil.parse(data)


def receive(
    source: Annotated[
        str,
        typer.Argument(
            metavar="FILE|URL|OFFER",
            help="An issuance response (a file, - or an https URL), or an openid-credential-offer:// URI.",
        ),
    ],
    wallet: WalletOption = None,
    did_doc: Annotated[
        list[Path] | None,
        typer.Option(
            "--did-doc", metavar="FILE", help="The issuer's DID document, to verify offline. Repeatable."
        ),
    ] = None,
    status_list: Annotated[
        list[Path] | None,
        typer.Option(
            "--status-list", metavar="FILE", help="A status list credential, to verify offline. Repeatable."
        ),
    ] = None,
    pin: Annotated[
        str | None,
        typer.Option(
            "--pin", help="The PIN (transaction code) of a credential offer; asked for when needed."
        ),
    ] = None,
) -> None:
    """Verify a credential (and the key of its document) and keep it, if it is for this wallet.

    An ``openid-credential-offer://`` URI is taken with OpenID4VCI (wallet.openid4vci): every
    credential it offers in a format this wallet keeps is requested for the holder's key, then
    verified and kept as any other."""
    with opened(wallet) as held:
        if source.startswith(f"{OFFER_SCHEME}://"):
            with _verifier(did_doc or [], status_list or []) as verifier:
                _receive_offer(held, source, pin, verifier)
            return
        answer = _issuance(source)
        if isinstance(answer, str):
            with _verifier(did_doc or [], status_list or []) as verifier:
                _receive_sd_jwt(held, answer, verifier)
            return
        issuance = Issuance.from_json(answer)
        documents = store()
        with _verifier(did_doc or [], status_list or []) as verifier:
            received = held.receive(issuance, verifier, documents)
            typer.echo(f"Received {received.held.id}: {_summary(received.held)}")
            _warn(received.result)
            # An issuer asked for both formats answers with the SD-JWT VC of the same facts beside.
            if isinstance(answer, dict) and isinstance(answer.get("sdJwt"), str):
                _receive_sd_jwt(held, answer["sdJwt"], verifier)
        for document in received.held.documents:
            typer.echo(f"Its original document is {_whereabouts(document.pinned, document.cid, documents)}.")


def _receive_offer(held: Wallet, uri: str, pin: str | None, verifier: Verifier) -> None:
    try:
        offer = openid4vci.resolve_offer(uri)
    except NansenError as error:
        refuse(error)
    if offer.pin_length is not None and pin is None:
        pin = typer.prompt("The PIN the organisation gave you", hide_input=True)
    signer = held.identities.signer_for(held.did)
    assert signer is not None  # the holder's own DID is always the wallet's
    try:
        given = openid4vci.take(offer, pin, signer)
    except NansenError as error:
        refuse(error)
    for credential in given:
        if credential.format == "dc+sd-jwt" and isinstance(credential.credential, str):
            _receive_sd_jwt(held, credential.credential, verifier)
        elif isinstance(credential.credential, dict):
            received = held.receive(Issuance(credential.credential), verifier)
            typer.echo(f"Received {received.held.id}: {_summary(received.held)}")
            _warn(received.result)
        else:
            fail(f"The issuer gave a {credential.format} credential in a form this wallet cannot read.")


def _warn(result: VerificationResult) -> None:
    for credential in [result, *result.credentials]:
        for check in credential.checks:
            if check.outcome is Outcome.UNKNOWN:
                typer.echo(f"Warning: {check.reason}", err=True)


def _receive_sd_jwt(held: Wallet, token: str, verifier: Verifier) -> None:
    received = held.receive_sd_jwt(token, verifier)
    typer.echo(f"Received {received.held.id}: {_sd_jwt_summary(received.held)}")
    _warn(received.result)


def _sd_jwt_issued(held: HeldSdJwt) -> str | None:
    """When the SD-JWT VC was issued (its ``iat``), as the list shows a credential's ``validFrom``."""
    try:
        issued = read(held.token).payload.get("iat")
        return format_datetime(datetime.fromtimestamp(issued, UTC)) if isinstance(issued, int) else None
    except (NansenError, OverflowError, OSError, ValueError):
        return None


def _sd_jwt_summary(held: HeldSdJwt) -> str:
    """The credential's kind and the claims it can disclose (names, never values)."""
    try:
        claims = read(held.token).revealed.disclosed
    except NansenError:
        return "SD-JWT VC"
    names = ", ".join(str(path[0]) for path in claims if len(path) == 1)
    return f"SD-JWT VC, can disclose: {names}"


def _whereabouts(pinned_by_wallet: bool, cid: str, documents: Store) -> str:
    """Where the original is: pinned by this wallet, already kept by another pin, or not reachable."""
    if pinned_by_wallet:
        return "pinned here"
    if documents.has(parse_cid(cid)):
        return "already pinned in this store (by its partner), so it is kept without a second pin"
    return "not reachable now; it will be fetched when opened"


def _summary(held: HeldCredential) -> str:
    credential = held.credential
    types = [t for t in vcdm.as_list(credential.get("type")) if t != vcdm.CREDENTIAL_TYPE]
    subject = vcdm.subjects(credential)[0]
    document = subject.get("identityDocument")
    kinds = (
        [t for t in vcdm.as_list(document.get("type")) if t != "IdentityDocument"]
        if isinstance(document, dict)
        else []
    )
    return f"{', '.join(types + kinds) or 'credential'} from {vcdm.issuer_id(credential)}"


def list_credentials(
    wallet: WalletOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the credentials in the wallet."""
    with opened(wallet) as held:
        rows = [
            {
                "id": c.id,
                "summary": _summary(c),
                "validFrom": c.credential.get("validFrom"),
                "documents": len(c.documents),
            }
            for c in held.state.credentials
        ] + [
            {"id": c.id, "summary": _sd_jwt_summary(c), "validFrom": _sd_jwt_issued(c), "documents": 0}
            for c in held.state.sd_jwts
        ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("The wallet holds no credentials.")
    for row in rows:
        documents = f", {row['documents']} document(s)" if row["documents"] else ""
        typer.echo(f"{row['id']}  {row['summary']} (valid from {row['validFrom']}{documents})")


def show(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="The credential's id, as `nansen wallet list` prints it.")
    ],
    wallet: WalletOption = None,
) -> None:
    """Print a credential, and where its original documents are (never their keys)."""
    with opened(wallet) as held:
        found = held.find(ident)
        print_json(
            {
                "id": found.id,
                "received": found.received,
                "credential": found.credential,
                "documents": [{"cid": d.cid, "digestMultibase": d.digest_multibase} for d in found.documents],
            }
        )


def document_open(
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="The credential's id, as `nansen wallet list` prints it.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write the original document.")],
    cid: Annotated[
        str | None, typer.Option("--cid", help="Which document, if the credential has several.")
    ] = None,
    wallet: WalletOption = None,
) -> None:
    """Fetch a credential's original by its CID, check it, decrypt it, check its digest, write it."""
    with opened(wallet) as held:
        try:
            atomic.replace(out, held.read_document(ident, store(), cid))
        except OSError as error:
            fail(f"Cannot write {out}: {error.strerror}.")
        except NansenError as error:
            refuse(error)
    typer.echo(f"Wrote the original document to {out}; it matches its credential.")


document_app.command("open")(document_open)
