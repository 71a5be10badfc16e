"""The identity document as an SD-JWT VC: its ``vct``, type metadata, issuance and facts.

The claims are the facts of Nansen's ``IdentityDocumentCredential`` (`nansen.facts.FACT_TERMS`),
flat at the top of the payload, each a disclosure of its own; ``documentType`` (``Passport``, …)
stays in the clear. The type metadata (SD-JWT VC §6) is bundled beside this module
(``identity-document.vct.json``) and is what a verifier reads to say which facts were not
disclosed. No ``sub``: the holder is known by ``cnf`` only, so the token names no DID of hers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any, Final

from jwcrypto import jwk

from nansen import vcdm
from nansen.did import key as did_key
from nansen.errors import InvalidInput
from nansen.facts import FACT_TERMS, IdentityFacts
from nansen.sdjwt import jose
from nansen.sdjwt.issuance import IssuerKey, issue

VCT: Final = "https://w3id.org/nansen/vct/identity-document/v1"
#: The credential types an SD-JWT VC of a known ``vct`` stands for when the trust list is asked.
TYPES_BY_VCT: Final = {VCT: ["VerifiableCredential", vcdm.IDENTITY_CREDENTIAL_TYPE]}


@cache
def type_metadata() -> dict[str, Any]:
    """The bundled type metadata document of `VCT` (SD-JWT VC §6.2)."""
    text = resources.files("nansen.sdjwt").joinpath("identity-document.vct.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def disclosable_claims(vct: str) -> tuple[str, ...]:
    """The top-level claims the type metadata marks as selectively disclosable, in its order."""
    if vct != VCT:
        return ()
    return tuple(c["path"][0] for c in type_metadata()["claims"] if c.get("sd") in ("always", "allowed"))


def issue_identity_document(
    *,
    signer: IssuerKey,
    holder_did: str | jwk.JWK,
    document_type: str,
    facts: Mapping[str, Any],
    issued_at: datetime,
    expires_at: datetime | None = None,
    status: Mapping[str, Any] | None = None,
) -> str:
    """An SD-JWT VC of the document's facts, each disclosable, bound to the holder's did:key key (or
    to the public key itself, as OpenID4VCI's ``jwk`` proofs name it)."""
    if document_type not in vcdm.IDENTITY_DOCUMENT_TYPES:
        raise InvalidInput(f"The document type must be one of: {', '.join(vcdm.IDENTITY_DOCUMENT_TYPES)}.")
    unknown = set(facts) - set(FACT_TERMS)
    if unknown:
        raise InvalidInput("A fact is not one of the identity document's facts.")
    holder_key = (
        jose.ed25519_public_jwk(did_key.public_key_from_did(holder_did))
        if isinstance(holder_did, str)
        else holder_did
    )
    return issue(
        {"documentType": document_type, **facts},
        vct=VCT,
        signer=signer,
        holder_key=holder_key,
        disclosable=[(name,) for name in facts],
        issued_at=issued_at,
        expires_at=expires_at,
        status=status,
    )


#: The claims of an SD-JWT VC that are about the token, not facts of the document (SD-JWT VC §3.2.2).
_REGISTERED: Final = frozenset({"iss", "vct", "vct#integrity", "iat", "nbf", "exp", "cnf", "status", "sub"})


def identity_facts(claims: Mapping[str, Any]) -> IdentityFacts:
    """What a page may show of a verified identity SD-JWT VC (the disclosed facts only), and why
    anything cannot be shown, as `nansen.facts.read_facts` says it of a Data Integrity credential."""
    if claims.get("vct") != VCT:
        return IdentityFacts(problems=("The credential is not of a type this page can show.",))
    problems: list[str] = []
    kind = claims.get("documentType")
    if kind not in vcdm.IDENTITY_DOCUMENT_TYPES:
        problems.append("The identity document is not of exactly one known kind.")
    if set(claims) - _REGISTERED - {"documentType", *FACT_TERMS}:
        problems.append("The identity document carries a claim that this page cannot show.")
    facts: list[tuple[str, str]] = []
    for term in FACT_TERMS:
        if term not in claims:
            continue
        if isinstance(claims[term], str):
            facts.append((term, claims[term]))
        else:
            problems.append(f"The identity document gives {term} in a form this page cannot show faithfully.")
    document_type = kind if isinstance(kind, str) and kind in vcdm.IDENTITY_DOCUMENT_TYPES else None
    return IdentityFacts(document_type, tuple(facts), tuple(problems))
