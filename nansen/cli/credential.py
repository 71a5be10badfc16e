"""``nansen credential``: sign and verify credentials."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nansen import vcdm
from nansen.cli.io import fail, load_json_or_fail, load_key, print_json, report_verification
from nansen.errors import NansenError
from nansen.proofs import ProofOptions, add_proof
from nansen.proofs.cryptosuites import SUITES

app = typer.Typer(help="Sign and verify verifiable credentials.", no_args_is_help=True)

SuiteOption = Annotated[
    str, typer.Option("--suite", help=f"Cryptosuite: {' or '.join(SUITES)}.", show_default=True)
]
InputArgument = Annotated[str, typer.Argument(help="A JSON file, or - for standard input.")]
DidDocOption = Annotated[
    list[Path] | None,
    typer.Option("--did-doc", metavar="FILE", help="A DID document to use offline (did:web). Repeatable."),
]
StatusListOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--status-list", metavar="FILE", help="A status list credential to use offline. Repeatable."
    ),
]


def check_suite(suite: str) -> str:
    if suite not in SUITES:
        raise typer.BadParameter(f"choose {' or '.join(SUITES)}", param_hint="--suite")
    return suite


@app.command("sign")
def sign(
    key: Annotated[Path, typer.Option("--key", help="The issuer's key file.")],
    source: InputArgument = "-",
    suite: SuiteOption = "eddsa-rdfc-2022",
) -> None:
    """Sign a credential with the issuer's key and print it.

    The issuer is set to the key's DID when the credential names none; a credential that names
    another issuer is refused.
    """
    check_suite(suite)
    signer = load_key(key)
    credential = load_json_or_fail(source)
    if not isinstance(credential, dict):
        fail("A credential must be a JSON object.")
    issuer = credential.setdefault("issuer", signer.controller)
    named = issuer.get("id") if isinstance(issuer, dict) else issuer
    if named != signer.controller:
        fail("The credential names another issuer than the key's DID.")
    try:
        vcdm.validate_credential(credential)
        print_json(add_proof(credential, signer, ProofOptions(cryptosuite=suite)))
    except NansenError as error:
        fail(str(error))


@app.command("verify")
def verify(
    source: InputArgument = "-",
    did_doc: DidDocOption = None,
    status_list: StatusListOption = None,
) -> None:
    """Verify a credential (Data Integrity, or an SD-JWT VC as held); print every check as JSON.
    Exit 0 if verified, 1 if not."""
    report_verification(
        "credential",
        source,
        did_doc or [],
        status_list or [],
        lambda v, d: v.verify_credential(d),
        lambda v, text: v.verify_sd_jwt(text, presentation=False),
    )
