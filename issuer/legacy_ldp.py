"""The opt-in legacy ``ldp_vc`` configuration (``NANSEN_ISSUER_LEGACY_LDP_VC``, off by default):
the identity credential an upload issued, made again as a VC 1.1 credential signed with
``Ed25519Signature2020``, for wallets that take no other JSON-LD credential (docs/openid4vc.md
"Legacy profile").

The same facts, subject and evidence as the VC 2.0 credential (VC Data Model 1.1 §4.2, §5.7):
``validFrom``/``validUntil`` become ``issuanceDate``/``expirationDate``. Status (1.1 §4.9) is one
object, so the credential carries the revocation entry only (Credo 0.6 refuses a list): revoking
the upload's credential revokes this one, suspending it does not. The 1.1 context defines no
Bitstring Status List terms, so the ``BitstringStatusListEntry`` definition is carried inline,
taken from the bundled VC 2.0 context (the same IRIs: the verifier reads the same list bit).
``relatedResource`` (a 2.0 property: the scan's digest) is left out: the legacy credential is for
showing the facts, and the original stays reachable only through the VC 2.0 credential.

The key: Ed25519Signature2020 implementations such as Credo 0.6 take only an
``Ed25519VerificationKey2020`` method whose document names the suite's context, while a partner's
did:web document lists Multikeys (Controlled Identifiers 1.0 §2.2.2). With the profile on, the
document is served with each Multikey twinned (`with_legacy_methods`): the same key, controller and
lifecycle (``expires``, ``revoked``) under ``#FRAGMENT-ed2020`` as an Ed25519VerificationKey2020,
listed under ``assertionMethod`` only (never ``authentication``), and legacy proofs name the twin.
A did:key partner's key stays as its DID says (Credo resolves did:key to Ed25519VerificationKey2018,
which its Ed25519Signature2020 suite refuses: docs/openid4vc.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from issuer import partners
from issuer.models import Partner
from issuer.vault import Vault
from nansen.errors import NansenError
from nansen.jsonld import CREDENTIALS_V1, NANSEN_V1, default_store
from nansen.jsonld import CREDENTIALS_V2 as _V2
from nansen.keys import SigningKey
from nansen.proofs import ProofOptions, add_legacy_proof
from nansen.proofs.ed25519_signature_2020 import CONTEXT as ED25519_2020
from nansen.proofs.ed25519_signature_2020 import NAME as ED25519_SIGNATURE_2020
from service.problems import Problem

#: What the metadata lists as the configuration's ``credential_definition.@context``.
CONTEXTS: Final = (CREDENTIALS_V1, ED25519_2020, NANSEN_V1)
_STATUS_TERM: Final = "BitstringStatusListEntry"
#: The fragment suffix of a Multikey's Ed25519VerificationKey2020 twin.
TWIN_SUFFIX: Final = "-ed2020"
#: The multibase prefix of an Ed25519 public key Multikey (multicodec 0xed01, base58btc).
_ED25519_MULTIKEY: Final = "z6Mk"
_KEPT: Final = ("id", "type", "issuer", "credentialSubject", "evidence")


def _status_context() -> dict[str, Any]:
    """The VC 2.0 context's own definition of ``BitstringStatusListEntry``, inline."""
    definitions = default_store().get(_V2).document["@context"]
    return {_STATUS_TERM: definitions[_STATUS_TERM]}


def vc11_of(credential: dict[str, Any]) -> dict[str, Any]:
    """The unsigned VC 1.1 form of a VC 2.0 identity credential (the module's rules)."""
    unsigned: dict[str, Any] = {k: credential[k] for k in _KEPT if k in credential}
    contexts: list[Any] = list(CONTEXTS)
    entries = credential.get("credentialStatus", [])
    revocation = [e for e in entries if isinstance(e, dict) and e.get("statusPurpose") == "revocation"]
    if revocation:
        unsigned["credentialStatus"] = revocation[0]
        contexts.append(_status_context())
    unsigned["@context"] = contexts
    unsigned["issuanceDate"] = credential["validFrom"]
    if "validUntil" in credential:
        unsigned["expirationDate"] = credential["validUntil"]
    return unsigned


def with_legacy_methods(document: dict[str, Any]) -> dict[str, Any]:
    """The DID document with each Ed25519 Multikey of ``assertionMethod`` also as an
    Ed25519VerificationKey2020 (module docstring); other keys (an X25519 key-agreement key) are left alone."""
    methods = document.get("verificationMethod", [])
    asserting = set(document.get("assertionMethod", []))
    twins = [
        {**method, "id": method["id"] + TWIN_SUFFIX, "type": "Ed25519VerificationKey2020"}
        for method in methods
        if method.get("type") == "Multikey"
        and method.get("id") in asserting
        and str(method.get("publicKeyMultibase", "")).startswith(_ED25519_MULTIKEY)
    ]
    contexts = document.get("@context", [])
    contexts = [*contexts] if isinstance(contexts, list) else [contexts]
    return {
        **document,
        "@context": contexts if ED25519_2020 in contexts else [*contexts, ED25519_2020],
        "verificationMethod": [*methods, *twins],
        "assertionMethod": [*document.get("assertionMethod", []), *(twin["id"] for twin in twins)],
    }


def issue_for(
    session: Session, vault: Vault, partner: Partner, credential: dict[str, Any], issued_at: datetime
) -> dict[str, Any]:
    """The VC 1.1 credential of the upload's ``credential``, signed now by the partner's current key."""
    with session.begin():
        key = partners.signer(session, vault, partner)
    if not partners.is_did_key(partner):
        key = SigningKey(key.key_pair, key.verification_method + TWIN_SUFFIX)
    options = ProofOptions(cryptosuite=ED25519_SIGNATURE_2020, created=issued_at)
    try:
        return add_legacy_proof(vc11_of(credential), key, options)
    except NansenError as error:
        raise Problem(422, str(error)) from error
