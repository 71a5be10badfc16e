"""W3C Verifiable Credential Data Integrity 1.0: adding and verifying proofs.

Implements §4.2 Add Proof, §4.3 Add Proof Set/Chain, §4.4 Verify Proof and §4.5 Verify Proof
Sets and Chains. Proofs are added with the EdDSA cryptosuites (and, for the opt-in legacy profile
only, as Ed25519Signature2020 proofs: `add_legacy_proof`); they are verified with those, with
ecdsa-rdfc-2019, and as legacy Ed25519Signature2020 proofs (`nansen.proofs.cryptosuites`). Every
proof in a set must verify (unlike some libraries, which accept a set when any one proof does:
NOTES.md).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from nansen import multibase
from nansen.config import Limits, configured_limits
from nansen.did.resolver import Resolver
from nansen.ecdsa import CURVES, canonical_signature
from nansen.errors import DidDocumentUnavailable, KeyFormatError, NansenError, ProofError
from nansen.keys import SigningKey
from nansen.proofs import ed25519_signature_2018
from nansen.proofs.cryptosuites import (
    DATA_INTEGRITY_PROOF,
    DEFAULT_SUITE,
    Cryptosuite,
    hash_data,
    legacy_suite_named,
    suite_named,
    suite_of_proof,
)
from nansen.proofs.ecdsa_rdfc_2019 import NAME as ECDSA_RDFC_2019
from nansen.proofs.ed25519_signature_2020 import NAME as ED25519_SIGNATURE_2020
from nansen.timeutil import format_datetime, now, parse_datetime

PROOF_TYPE = DATA_INTEGRITY_PROOF


@dataclass(frozen=True)
class ProofOptions:
    purpose: str = "assertionMethod"
    cryptosuite: str = DEFAULT_SUITE
    created: datetime | None = None
    challenge: str | None = None
    domain: str | None = None
    expires: datetime | None = None
    proof_id: str | None = None
    previous_proof: str | list[str] | None = None


@dataclass(frozen=True)
class ProofResult:
    """The outcome of verifying one proof; ``reason`` is a sentence a person can read."""

    verified: bool
    reason: str
    verification_method: str | None = None
    controller: str | None = None
    cryptosuite: str | None = None
    purpose: str | None = None
    created: datetime | None = None
    #: Neither verified nor refused: the signer's DID document could not be had (`DidDocumentUnavailable`).
    undecided: bool = False


@dataclass(frozen=True)
class Expectations:
    """What the verifier requires of every proof."""

    purpose: str = "assertionMethod"
    challenge: str | None = None
    domain: str | None = None
    moment: datetime = field(default_factory=now)
    #: Keep the signer's DID document in the resolver's cache; False for a holder's, kept nowhere.
    remember: bool = True


def proofs_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    proof = document.get("proof")
    if proof is None:
        return []
    proofs = proof if isinstance(proof, list) else [proof]
    if not all(isinstance(p, dict) for p in proofs):
        raise ProofError("Every proof must be a JSON object.")
    return proofs


def signature_identity(proof: dict[str, Any]) -> bytes:
    """The bytes of a proof's signature, in one form for every encoding of the same signing.

    The multibase ``proofValue`` decoded (so re-encoding it changes nothing); for ECDSA, whose
    ``(r, s)`` and ``(r, n - s)`` both verify (vc-di-ecdsa §5.1), the low-S form
    (`nansen.ecdsa.canonical_signature`); for Ed25519Signature2018, its detached JWS's signature
    (canonical base64url only). `KeyFormatError` if the value is not multibase.
    """
    if proof.get("type") == ed25519_signature_2018.NAME:
        return ed25519_signature_2018.signature(proof)
    value = proof.get("proofValue")
    if not isinstance(value, str):
        raise ProofError("Every proof must carry its value as text.")
    signature = multibase.decode(value)
    if proof.get("type") == DATA_INTEGRITY_PROOF and proof.get("cryptosuite") == ECDSA_RDFC_2019:
        curve = next((c for c in CURVES if c.signature_size == len(signature)), None)
        if curve is not None:
            return canonical_signature(curve, signature)
    return signature


def _without_proof(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "proof"}


def _with_previous(
    unsecured: dict[str, Any], all_proofs: list[dict[str, Any]], previous: Any
) -> dict[str, Any]:
    """§4.3/§4.5: a chained proof signs the document together with the proofs it names."""
    if previous is None:
        return unsecured
    wanted = [previous] if isinstance(previous, str) else previous
    if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
        raise ProofError("'previousProof' must be a proof id or a list of proof ids.")
    matching = [p for p in all_proofs if p.get("id") in wanted]
    if len(matching) != len(set(wanted)):
        raise ProofError("A proof names a previous proof that the document does not carry.")
    return {**unsecured, "proof": matching}


def add_proof(
    document: dict[str, Any],
    key: SigningKey,
    options: ProofOptions | None = None,
    limits: Limits | None = None,
) -> dict[str, Any]:
    """Return a copy of the document with one more DataIntegrityProof (a proof set if it had one)."""
    options = options or ProofOptions()
    return _add(document, key, options, suite_named(options.cryptosuite), limits)


def add_legacy_proof(
    document: dict[str, Any],
    key: SigningKey,
    options: ProofOptions | None = None,
    limits: Limits | None = None,
) -> dict[str, Any]:
    """Return a copy of the document with one more ``Ed25519Signature2020`` proof (W3C CCG
    Ed25519 Signature 2020 §3.1), for the legacy profile only: the issuer's opt-in VC 1.1
    configuration and a wallet answering a verifier that lists only legacy proof types. The
    document must name the suite's context (`nansen.proofs.ed25519_signature_2020.CONTEXT`)."""
    options = options or ProofOptions(cryptosuite=ED25519_SIGNATURE_2020)
    return _add(document, key, options, legacy_suite_named(options.cryptosuite), limits)


def _add(
    document: dict[str, Any],
    key: SigningKey,
    options: ProofOptions,
    suite: Cryptosuite,
    limits: Limits | None,
) -> dict[str, Any]:
    limits = limits or configured_limits()
    if "@context" not in document:
        raise ProofError("A document to sign must have an '@context'.")
    existing = proofs_of(document)
    unsecured = _without_proof(copy.deepcopy(document))
    suite.check_document(unsecured)
    proof: dict[str, Any] = {"type": suite.proof_type}
    if options.proof_id is not None:
        proof["id"] = options.proof_id
    if suite.proof_type == DATA_INTEGRITY_PROOF:
        proof["cryptosuite"] = suite.name
    proof["created"] = format_datetime(options.created or now())
    if options.expires is not None:
        proof["expires"] = format_datetime(options.expires)
    proof["verificationMethod"] = key.verification_method
    proof["proofPurpose"] = options.purpose
    if options.challenge is not None:
        proof["challenge"] = options.challenge
    if options.domain is not None:
        proof["domain"] = options.domain
    if options.previous_proof is not None:
        proof["previousProof"] = options.previous_proof
    signed_input = _with_previous(unsecured, existing, options.previous_proof)
    config = {**proof, "@context": unsecured["@context"]}
    signature = key.key_pair.sign(hash_data(suite, config, signed_input, limits))
    secured_proof = config if suite.proof_keeps_context else proof
    secured_proof = {**secured_proof, "proofValue": multibase.encode_base58btc(signature)}
    all_proofs = [*existing, secured_proof]
    return {**unsecured, "proof": all_proofs if len(all_proofs) > 1 else secured_proof}


def _proof_config(
    suite: Cryptosuite, proof: dict[str, Any], unsecured: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The proof configuration and the document as the signer hashed them (§3.2.2 / §3.3.2)."""
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if suite.proof_keeps_context:
        if "@context" in options:
            proof_context = options["@context"]
            document_context = unsecured.get("@context")
            proof_list = proof_context if isinstance(proof_context, list) else [proof_context]
            document_list = document_context if isinstance(document_context, list) else [document_context]
            if document_list[: len(proof_list)] != proof_list:
                raise ProofError("The proof's '@context' does not match the document's.")
            unsecured = {**unsecured, "@context": proof_context}
    elif "@context" in options:
        raise ProofError(f"An {suite.name} proof must not carry its own '@context'.")
    return {**options, "@context": unsecured.get("@context")}, unsecured


def _signature(proof: dict[str, Any]) -> bytes:
    """The signature a proof carries: its multibase base58btc ``proofValue``, or an
    Ed25519Signature2018's detached JWS signature."""
    if proof.get("type") == ed25519_signature_2018.NAME:
        return ed25519_signature_2018.signature(proof)
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        raise ProofError("The proof value is missing or not base58btc.")
    return multibase.decode(proof_value)


def verify_proof(
    document: dict[str, Any],
    proof: dict[str, Any],
    resolver: Resolver,
    expect: Expectations,
    limits: Limits,
) -> ProofResult:
    """Verify one proof of a document (§4.4), including its purpose and its key's lifecycle."""
    method_id = proof.get("verificationMethod")
    try:
        suite = suite_of_proof(proof)
        suite.check_document(document)
        purpose = proof.get("proofPurpose")
        if purpose != expect.purpose:
            raise ProofError(f"The proof's purpose is not {expect.purpose}.")
        created = parse_datetime(proof["created"]) if "created" in proof else None
        skew = timedelta(seconds=limits.clock_skew_seconds)
        if created is not None and created > expect.moment + skew:
            raise ProofError("The proof was created in the future.")
        if "expires" in proof and parse_datetime(proof["expires"]) < expect.moment - skew:
            raise ProofError("The proof has expired.")
        if expect.challenge is not None and proof.get("challenge") != expect.challenge:
            raise ProofError("The proof's challenge does not match the one this verifier issued.")
        if expect.domain is not None and proof.get("domain") != expect.domain:
            raise ProofError("The proof's domain is not this verifier's.")
        signature = _signature(proof)

        controller_doc, method = resolver.verification_method(
            method_id,  # type: ignore[arg-type]
            remember=expect.remember,
        )
        if method.controller != controller_doc.id:
            raise ProofError("The signing key is not controlled by the DID that lists it.")
        if not controller_doc.has_relationship(method.id, expect.purpose):
            raise ProofError(f"The signing key is not authorised for {expect.purpose}.")
        if method.revoked is not None:
            raise ProofError("The signing key has been revoked as compromised.")
        if method.expires is not None and (created is None or created > method.expires):
            raise ProofError("The proof was made after its key was retired.")

        public_key = suite.public_key(method)

        all_proofs = proofs_of(document)
        unsecured = _with_previous(_without_proof(document), all_proofs, proof.get("previousProof"))
        config, unsecured = _proof_config(suite, proof, unsecured)
        message = suite.hash_data(config, unsecured, limits, public_key)
        if not public_key.verify(message, signature):
            raise ProofError("The signature does not match the document.")
    except KeyFormatError:
        return ProofResult(False, "The proof value or key is malformed.", _str(method_id))
    except ValueError:
        return ProofResult(False, "A date in the proof is not a valid date-time.", _str(method_id))
    except DidDocumentUnavailable as error:
        return ProofResult(False, str(error), _str(method_id), undecided=True)
    except NansenError as error:
        return ProofResult(False, str(error), _str(method_id))
    return ProofResult(
        True,
        "The signature is valid.",
        verification_method=method.id,
        controller=method.controller,
        cryptosuite=suite.name,
        purpose=expect.purpose,
        created=created,
    )


def verify_proofs(
    document: dict[str, Any],
    resolver: Resolver,
    expect: Expectations,
    limits: Limits | None = None,
) -> list[ProofResult]:
    """Verify every proof of the document; an empty list means it carries none."""
    limits = limits or configured_limits()
    try:
        proofs = proofs_of(document)
    except ProofError as error:
        return [ProofResult(False, str(error))]
    return [verify_proof(document, proof, resolver, expect, limits) for proof in proofs]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
