"""Answering an OpenID4VP 1.0 request (``openid4vp://?client_id=…&request_uri=…``) with one held
credential: the request object is fetched by reference and must be signed by the verifier its
``decentralized_identifier:did:key:…`` client id names (`nansen.openid4vc.presentation`); the answer
goes by ``direct_post`` to its ``response_uri`` (§8.2).

An SD-JWT VC discloses exactly the claims the DCQL query asks for (and no others), with a KB-JWT
over the request's nonce and the client id (Appendix B.3.6); a Data Integrity credential is
presented signed for ``challenge`` = nonce and ``domain`` = client id (Appendix B.1.3), and only to
a verifier whose ``vp_formats_supported`` (§11.1, Appendix B.1.3.1 ``proof_type_values`` and
``cryptosuite_values``) takes both the credential's proofs and the presentation's: a Data Integrity
credential cannot disclose less than all of it, so it is not handed to a verifier that has said it
cannot verify it. Requests, like offers, go through the hardened client (`nansen.safehttp`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

from nansen.config import configured_limits
from nansen.errors import NansenError
from nansen.openid4vc.presentation import parse_request_uri, read_request_object
from nansen.proofs import DEFAULT_SUITE, SUITES
from nansen.proofs.cryptosuites import LEGACY_SIGNING
from nansen.proofs.dataintegrity import proofs_of
from nansen.safehttp import fetch, post
from wallet.wallet import Wallet

_TIMEOUT: Final = 30.0


class RequestError(NansenError):
    """The presentation request cannot be answered, or the verifier refused the answer."""


@dataclass(frozen=True)
class Answered:
    client_id: str
    disclosed: tuple[str, ...]


def _query(dcql: dict[str, Any], kind: str) -> dict[str, Any]:
    for query in dcql.get("credentials", []):
        if isinstance(query, dict) and query.get("format") == kind and isinstance(query.get("id"), str):
            return query
    raise RequestError(f"The verifier does not ask for a credential in the format held ({kind}).")


def _claim_names(query: dict[str, Any], prefix: tuple[str, ...]) -> tuple[str, ...]:
    names: list[str] = []
    for claim in query.get("claims", []):
        path = claim.get("path") if isinstance(claim, dict) else None
        if not isinstance(path, list) or tuple(path[:-1]) != prefix or not isinstance(path[-1], str):
            raise RequestError("The verifier asks for a claim this wallet cannot disclose by itself.")
        names.append(path[-1])
    return tuple(names)


def _accepted(values: Any, what: str) -> set[str] | None:
    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise RequestError(f"The verifier's metadata lists its {what} wrongly.")
    return set(values)


def presentation_suite(request: dict[str, Any], credential: dict[str, Any]) -> str:
    """What to sign the presentation with: a cryptosuite the verifier says it verifies, for a
    credential whose every proof it says it verifies (Appendix B.1.3.1; a list left out takes all).

    Modern first: eddsa-rdfc-2022, else eddsa-jcs-2022. Only when the verifier's
    ``proof_type_values`` leaves out every DataIntegrityProof this wallet signs and names
    ``Ed25519Signature2020`` (Credo 0.6's list, say) is the presentation signed with that legacy
    type (`nansen.proofs.add_legacy_proof`)."""
    metadata = request.get("client_metadata")
    formats = metadata.get("vp_formats_supported") if isinstance(metadata, dict) else None
    ldp = formats.get("ldp_vc") if isinstance(formats, dict) else None
    if not isinstance(ldp, dict):
        return DEFAULT_SUITE
    types = _accepted(ldp.get("proof_type_values"), "proof types")
    suites = _accepted(ldp.get("cryptosuite_values"), "cryptosuites")

    def takes(proof_type: Any, cryptosuite: Any) -> bool:
        type_ok = types is None or proof_type in types
        return type_ok and (proof_type != "DataIntegrityProof" or suites is None or cryptosuite in suites)

    usable = sorted(
        (name for name in SUITES if takes("DataIntegrityProof", name)), key=lambda n: n != DEFAULT_SUITE
    )
    if not usable and types is not None:
        usable = [name for name in LEGACY_SIGNING if name in types]
    if not usable or not all(takes(p.get("type"), p.get("cryptosuite")) for p in proofs_of(credential)):
        offered = ", ".join(sorted(types or {"DataIntegrityProof"}) + sorted(suites or ()))
        raise RequestError(
            f"The verifier says it verifies only these ldp_vc proofs: {offered}; this wallet signs "
            f"DataIntegrityProof ({', '.join(SUITES)}) or, for a verifier that takes no other, "
            f"{', '.join(LEGACY_SIGNING)}, or the credential's own proof is not among them. "
            "Nothing was sent."
        )
    return usable[0]


def answer(held: Wallet, ident: str, uri: str) -> Answered:
    """Present the credential ``ident`` to the verifier of ``uri``; what was disclosed, and to whom."""
    try:
        reference = parse_request_uri(uri)
        limit = configured_limits().max_document_bytes
        text = fetch(
            reference.request_uri,
            max_bytes=limit,
            timeout=_TIMEOUT,
            accept="application/oauth-authz-req+jwt",
            what="the presentation request",
        )
        request = read_request_object(text.decode("ascii", errors="replace"), reference)
    except NansenError as error:
        raise RequestError(str(error)) from error
    client_id, nonce = reference.client_id, request["nonce"]
    if held.find_sd_jwt(ident) is not None:
        query = _query(request["dcql_query"], "dc+sd-jwt")
        names = _claim_names(query, ())
        shown: Any = held.present_sd_jwt(ident, names, nonce=nonce, audience=client_id)
    else:
        query = _query(request["dcql_query"], "ldp_vc")
        _claim_names(query, ("credentialSubject", "identityDocument"))
        # A Data Integrity credential is signed whole: it cannot disclose less than all of it.
        names = ("every fact of the credential",)
        suite = presentation_suite(request, held.find(ident).credential)
        shown = held.present(ident, challenge=nonce, domain=client_id, suite=suite)
    form = {"vp_token": json.dumps({query["id"]: [shown]}), "state": str(request.get("state", ""))}
    status, body = post(
        str(request["response_uri"]),
        urlencode(form).encode(),
        content_type="application/x-www-form-urlencoded",
        max_bytes=limit,
        timeout=_TIMEOUT,
        what="the presentation",
    )
    if status != 200:
        try:
            reason = json.loads(body).get("error_description", f"HTTP {status}")
        except (ValueError, AttributeError):
            reason = f"HTTP {status}"
        raise RequestError(f"The verifier refused the presentation: {str(reason)[:300]}")
    return Answered(client_id, names)
