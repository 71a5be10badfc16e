"""Accepting what a partner issues: an issuance response, checked before anything is kept.

Two shapes are accepted: the answer of the issuer's ``POST /documents``
(``{"credential": {…}, "sealedKeys": [{…}], "cid": "b…"}``: a credential and the key of its
encrypted original, sealed to the holder's DID, :mod:`nansen.crypto.recipients`), and a bare
credential (the answer of VC-API ``POST /credentials/issue``).

A credential is kept only if it names one of this wallet's DIDs as its subject and the one
verification pipeline (:class:`nansen.verify.Verifier`) does not find it NOT VALID. One whose
status or trust cannot be confirmed (offline, say) is kept, with the reasons returned to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nansen import vcdm
from nansen.capability import IPFS_SCHEME
from nansen.crypto import SealedKey, SealedKeyError, open_sealed
from nansen.errors import InvalidInput, NansenError
from nansen.keys import SigningKey
from nansen.timeutil import format_datetime, now
from nansen.verify import Verdict, VerificationResult, Verifier
from wallet.errors import CredentialRefused
from wallet.identity import Identities
from wallet.state import HeldCredential, HeldDocument


@dataclass(frozen=True)
class Issuance:
    credential: dict[str, Any]
    sealed_keys: tuple[SealedKey, ...] = ()
    cid: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Issuance:
        if not isinstance(data, dict):
            raise InvalidInput("An issuance response is a JSON object.")
        if "credential" not in data:
            return cls(data)
        credential, sealed, cid = data.get("credential"), data.get("sealedKeys", []), data.get("cid")
        if not isinstance(credential, dict) or not isinstance(sealed, list):
            raise InvalidInput("An issuance response holds a 'credential' object and a 'sealedKeys' list.")
        if cid is not None and not isinstance(cid, str):
            raise InvalidInput("An issuance response's 'cid' must be a string.")
        return cls(credential, tuple(SealedKey.from_json(s) for s in sealed), cid)


@dataclass(frozen=True)
class Received:
    held: HeldCredential
    result: VerificationResult


def accept(issuance: Issuance, identities: Identities, verifier: Verifier) -> Received:
    """The credential (and document key) to keep, or `CredentialRefused` saying why not."""
    credential = issuance.credential
    signer = _subject_key(credential, identities)
    result = verifier.verify_credential(credential)
    if result.verdict is Verdict.NOT_VALID:
        reasons = result.to_json()["errors"] or ["It did not verify."]
        raise CredentialRefused(_refused(reasons[0]))
    documents = [_document(issuance, signer)] if issuance.sealed_keys else []
    return Received(HeldCredential(credential, format_datetime(now()), documents), result)


def _refused(reason: str) -> str:
    return f"The credential was refused: {reason[:1].lower()}{reason[1:]}"


def _subject_key(credential: dict[str, Any], identities: Identities) -> SigningKey:
    try:
        subjects = vcdm.subjects(credential)
    except NansenError as error:
        raise CredentialRefused(_refused(str(error))) from error
    for subject in subjects:
        signer = identities.signer_for(subject.get("id", ""))
        if signer is not None:
            return signer
    raise CredentialRefused("This credential was issued to someone else, not to this wallet.")


def _document(issuance: Issuance, signer: SigningKey) -> HeldDocument:
    resources = [
        r
        for r in vcdm.as_list(issuance.credential.get("relatedResource", []))
        if isinstance(r, dict) and isinstance(r.get("id"), str) and r["id"].startswith(IPFS_SCHEME)
    ]
    if issuance.cid is not None:
        resources = [r for r in resources if r["id"] == IPFS_SCHEME + issuance.cid]
    if len(resources) != 1 or "digestMultibase" not in resources[0]:
        raise CredentialRefused("The credential does not describe the encrypted document that came with it.")
    resource = resources[0]
    try:
        key = open_sealed(issuance.sealed_keys, signer.key_pair)
    except SealedKeyError as error:
        raise CredentialRefused("The document's key was not sealed to this wallet.") from error
    with key:
        material = key.material()
    return HeldDocument(resource["id"][len(IPFS_SCHEME) :], resource["digestMultibase"], material)
