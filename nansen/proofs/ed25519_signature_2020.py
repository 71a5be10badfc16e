"""The legacy ``Ed25519Signature2020`` proof type (W3C CCG Ed25519 Signature 2020).

Credentials people already hold (MOSIP/Inji and many early issuers, mostly VC 1.1) are signed
with it. The document must name its context, ``https://w3id.org/security/suites/ed25519-2020/v1``
(§2.1; a verifier that does not find it does not match the proof). The proof options are the
proof without ``proofValue``, with the document's ``@context``; both are canonicalised with
RDFC-1.0 (URDNA2015), hashed with SHA-256, and the Ed25519 signature covers
``hash(proof options) ‖ hash(document)`` (§3.1, §3.3). ``proofValue`` is multibase base58btc. The
key is an ``Ed25519VerificationKey2020`` or a ``Multikey`` with an Ed25519 ``publicKeyMultibase``,
checked with libsodium (`nansen.keys`).

Nansen signs with this type only for the opt-in legacy profile, for wallets and verifiers that
know no other (Credo 0.6: docs/openid4vc.md): `nansen.proofs.dataintegrity.add_legacy_proof`.
Its successor, eddsa-rdfc-2022, signs the same way under a DataIntegrityProof and is the default.
"""

from __future__ import annotations

from typing import Final

from nansen.proofs.rdfc_ed25519 import RdfcEd25519

NAME: Final = "Ed25519Signature2020"
CONTEXT: Final = "https://w3id.org/security/suites/ed25519-2020/v1"
#: The suite: RDFC-1.0 and SHA-256 of proof options and document (§3.3), signed as they are.
ED25519_SIGNATURE_2020: Final = RdfcEd25519(NAME, (CONTEXT,))
