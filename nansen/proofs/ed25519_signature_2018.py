"""The legacy ``Ed25519Signature2018`` proof type (W3C CCG Ed25519 Signature 2018), verify only.

The JSON-LD credentials of Credo (its default for an Ed25519 key), ACA-Py and other early issuers are
VC 1.1 signed with it. The document must use a context that defines the type: the VC 1.1 context
``https://www.w3.org/2018/credentials/v1`` does. As with Ed25519Signature2020, the proof options (the
proof without its signature, with the document's ``@context``) and the document are canonicalised
with RDFC-1.0 (URDNA2015) and hashed with SHA-256; what differs is the signature: a detached JWS
with an unencoded payload (RFC 7515 Appendix F, RFC 7797) in ``jws``, ``BASE64URL(header)..BASE64URL
(signature)``, whose signing input is ``ASCII(BASE64URL(header) || '.') || hash(proof options) ||
hash(document)``. The header must be exactly ``{"alg": "EdDSA", "b64": false, "crit": ["b64"]}``:
any other algorithm, an encoded payload or another critical parameter is refused before a key is
used, and so is a proof that also carries a ``proofValue`` or ``signatureValue``. The signature is checked with libsodium (`nansen.keys`), the key an Ed25519 ``Multikey`` or
``Ed25519VerificationKey2020`` (as a did:key resolves here).

Nansen never signs with this type; test code holds the only signer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from nansen.config import Limits
from nansen.errors import NansenError, ProofError
from nansen.proofs.rdfc_ed25519 import RdfcEd25519
from nansen.sdjwt.encoding import b64decode, parse_json

NAME: Final = "Ed25519Signature2018"
#: The contexts that define the proof type and its terms.
CONTEXTS: Final = (
    "https://www.w3.org/2018/credentials/v1",
    "https://w3id.org/security/suites/ed25519-2018/v1",
)
#: The one protected header accepted (RFC 7797 §3: ``b64`` false, named critical).
HEADER: Final = {"alg": "EdDSA", "b64": False, "crit": ["b64"]}


def _parts(proof: dict[str, Any]) -> tuple[str, bytes]:
    """The encoded header and the signature of the proof's detached JWS, the header checked."""
    if "proofValue" in proof or "signatureValue" in proof:
        raise ProofError("An Ed25519Signature2018 proof carries its signature in 'jws' only.")
    jws = proof.get("jws")
    if not isinstance(jws, str):
        raise ProofError("An Ed25519Signature2018 proof must carry its signature as a detached JWS.")
    parts = jws.split(".")
    if len(parts) != 3 or parts[1] or not parts[0] or not parts[2]:
        raise ProofError("The proof's JWS is not a detached compact JWS (header..signature).")
    try:
        header = parse_json(b64decode(parts[0]), "proof's JWS header")
        signature = b64decode(parts[2])
    except NansenError as error:
        raise ProofError("The proof's JWS is not base64url JSON.") from error
    if header != HEADER or header["b64"] is not False:  # 0 == False in Python: the JSON must say false
        raise ProofError('The proof\'s JWS header must be {"alg": "EdDSA", "b64": false, "crit": ["b64"]}.')
    return parts[0], signature


def signature(proof: dict[str, Any]) -> bytes:
    """The signature bytes of an Ed25519Signature2018 proof (its JWS's last part, decoded)."""
    return _parts(proof)[1]


@dataclass(frozen=True)
class Ed25519Signature2018(RdfcEd25519):
    """`RdfcEd25519` whose signature covers the detached JWS's signing input."""

    name: str = NAME
    contexts: tuple[str, ...] = CONTEXTS

    def hash_data(
        self, proof_config: dict[str, Any], document: dict[str, Any], limits: Limits, key: Any
    ) -> bytes:
        """The JWS signing input: the encoded header, a dot, then hash(proof options) ‖ hash(document)."""
        encoded_header, _ = _parts(proof_config)
        options = {k: v for k, v in proof_config.items() if k != "jws"}
        return (encoded_header + ".").encode("ascii") + super().hash_data(options, document, limits, key)
