"""``nansen presentation``: sign and verify verifiable presentations bound to a challenge."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from nansen import vcdm
from nansen.cli.credential import DidDocOption, InputArgument, StatusListOption, SuiteOption, check_suite
from nansen.cli.io import fail, load_json_or_fail, load_key, print_json, report_verification
from nansen.errors import NansenError
from nansen.proofs import ProofOptions, add_proof

app = typer.Typer(help="Sign and verify verifiable presentations.", no_args_is_help=True)

ChallengeOption = Annotated[str, typer.Option("--challenge", help="The verifier's one-time challenge.")]
DomainOption = Annotated[str, typer.Option("--domain", help="The verifier's domain.")]


def _presentation_of(document: Any, holder: str) -> dict[str, Any]:
    """A presentation as given, or one wrapping the given credential(s); holder must be the signer."""
    if isinstance(document, dict) and "VerifiablePresentation" in vcdm.as_list(document.get("type")):
        named = document.setdefault("holder", holder)
        if (named.get("id") if isinstance(named, dict) else named) != holder:
            fail("The presentation names another holder than the key's DID.")
        return vcdm.validate_presentation(document)
    credentials = document if isinstance(document, list) else [document]
    return vcdm.build_presentation(holder=holder, credentials=credentials)


@app.command("sign")
def sign(
    key: Annotated[Path, typer.Option("--key", help="The holder's key file.")],
    challenge: ChallengeOption,
    domain: DomainOption,
    source: InputArgument = "-",
    suite: SuiteOption = "eddsa-rdfc-2022",
) -> None:
    """Sign a presentation (or wrap credentials in one) with the holder's key and print it."""
    check_suite(suite)
    signer = load_key(key)
    document = load_json_or_fail(source)
    try:
        presentation = _presentation_of(document, signer.controller)
        options = ProofOptions(
            purpose="authentication", cryptosuite=suite, challenge=challenge, domain=domain
        )
        print_json(add_proof(presentation, signer, options))
    except NansenError as error:
        fail(str(error))


@app.command("verify")
def verify(
    challenge: ChallengeOption,
    domain: DomainOption,
    source: InputArgument = "-",
    did_doc: DidDocOption = None,
    status_list: StatusListOption = None,
) -> None:
    """Verify a presentation and its credentials (or an SD-JWT VC with its Key Binding JWT); print
    every check as JSON. Exit 0 if verified."""
    report_verification(
        "presentation",
        source,
        did_doc or [],
        status_list or [],
        lambda v, d: v.verify_presentation(d, challenge=challenge, domain=domain),
        # An SD-JWT+KB: the challenge is the KB-JWT's nonce, the domain its audience (RFC 9901 §7.3).
        lambda v, text: v.verify_sd_jwt(text, nonce=challenge, audience=domain),
    )
