"""SD-JWT VCs through the one pipeline (`Verifier.verify_sd_jwt`): the same checks and promises as
Data Integrity (docs/threat-model.md), each attack sent and its verdict and reason checked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from nansen.did.document import DidDocument
from nansen.did.resolver import Resolver
from nansen.errors import DidDocumentUnavailable
from nansen.sdjwt import IssuerKey, issue_identity_document, jose, present, select
from nansen.sdjwt.status_list import encode
from nansen.verify import Check, Outcome, Verdict, Verifier
from nansen.verify_sdjwt import StaticStatusTokens
from tests.sdjwt.support import (
    AUDIENCE,
    FACTS,
    HOLDER,
    ISSUER,
    NONCE,
    NOW,
    STRANGER,
    THREE,
    identity_sd_jwt,
)

STATUS_URI = "https://issuer.example/status/1"
WEB_ISSUER = "did:web:issuer.example"


def verifier(**kwargs: Any) -> Verifier:
    return Verifier(clock=lambda: NOW, **kwargs)


def presented(token: str | None = None, disclose: list[tuple[str | int, ...]] | None = None) -> str:
    return present(
        token or identity_sd_jwt(),
        THREE if disclose is None else disclose,
        HOLDER.jwk,
        nonce=NONCE,
        audience=AUDIENCE,
        issued_at=NOW,
    )


def outcome(result: Any, name: str) -> Outcome:
    found = result.check(name)
    assert found is not None, name
    return found.outcome


def reason(result: Any, name: str) -> str:
    found = result.check(name)
    assert found is not None, name
    return found.reason


def test_a_presentation_is_valid_and_says_what_was_not_disclosed() -> None:
    result = verifier().verify_sd_jwt(presented(), nonce=NONCE, audience=AUDIENCE)
    assert result.verdict is Verdict.VALID, result.to_json()
    credential = result.credentials[0]
    assert [c.name for c in credential.checks] == [
        "format",
        "proof",
        "issuer key",
        "validity period",
        "status",
        "disclosure",
        "trust",
    ]
    assert reason(credential, "disclosure").startswith("Disclosed: givenName, familyName, birthDate.")
    assert "Not disclosed (or not in the credential): documentTitle, birthPlace," in reason(
        credential, "disclosure"
    )
    assert "Amina" not in str(result.to_json()["credentials"][0]["checks"])
    assert outcome(result, "holder binding") is Outcome.PASSED
    assert result.document is not None
    assert result.document["givenName"] == "Amina"
    assert "birthPlace" not in result.document


def test_a_pasted_copy_without_key_binding_is_not_valid() -> None:
    result = verifier().verify_sd_jwt(select(identity_sd_jwt(), THREE), nonce=NONCE, audience=AUDIENCE)
    assert result.verdict is Verdict.NOT_VALID
    assert "without key binding" in reason(result, "holder binding")


def test_a_replay_to_another_nonce_or_verifier_is_not_valid() -> None:
    text = presented()
    again = verifier().verify_sd_jwt(text, nonce="the next nonce", audience=AUDIENCE)
    assert again.verdict is Verdict.NOT_VALID
    assert "nonce" in reason(again, "holder binding")
    elsewhere = verifier().verify_sd_jwt(text, nonce=NONCE, audience="did:web:other.example")
    assert elsewhere.verdict is Verdict.NOT_VALID


def test_a_presentation_disclosing_nothing_is_not_valid() -> None:
    result = verifier().verify_sd_jwt(presented(disclose=[]), nonce=NONCE, audience=AUDIENCE)
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result.credentials[0], "disclosure").startswith("The presentation discloses no fact.")


def test_an_expired_credential_is_not_valid() -> None:
    token = identity_sd_jwt(issued_at=NOW - timedelta(days=30), expires_at=NOW - timedelta(days=1))
    result = verifier().verify_sd_jwt(presented(token), nonce=NONCE, audience=AUDIENCE)
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result.credentials[0], "validity period") == "The credential has expired."


def test_a_credential_held_is_verified_without_binding_and_malformed_input_is_a_report() -> None:
    held = verifier().verify_sd_jwt(identity_sd_jwt(), presentation=False)
    assert held.verdict is Verdict.VALID
    assert held.kind == "credential"
    bad = verifier().verify_sd_jwt("not~an~sd-jwt", nonce=NONCE)
    assert bad.verdict is Verdict.NOT_VALID
    assert outcome(bad.credentials[0], "format") is Outcome.FAILED


class RecordingWeb:
    """A did:web source that answers from documents given, recording every DID asked for: it
    stands in for the network, which tests may not reach; `WebResolver` itself is tested elsewhere."""

    def __init__(self, documents: dict[str, dict[str, Any]], unavailable: bool = False) -> None:
        self.documents = documents
        self.unavailable = unavailable
        self.asked: list[str] = []

    def resolve(self, did: str, *, remember: bool = True) -> DidDocument:
        self.asked.append(did)
        if self.unavailable:
            raise DidDocumentUnavailable("The DID document cannot be had now.")
        return DidDocument(self.documents[did])


def web_document(revoked: bool = False) -> dict[str, Any]:
    method: dict[str, Any] = {
        "id": f"{WEB_ISSUER}#key-1",
        "type": "Multikey",
        "controller": WEB_ISSUER,
        "publicKeyMultibase": ISSUER.pair.public_key.multibase,
    }
    if revoked:
        method["revoked"] = "2026-01-01T00:00:00Z"
    return {"id": WEB_ISSUER, "verificationMethod": [method], "assertionMethod": [method["id"]]}


def web_sd_jwt(status: dict[str, Any] | None = None) -> str:
    return issue_identity_document(
        signer=IssuerKey(ISSUER.jwk, WEB_ISSUER, f"{WEB_ISSUER}#key-1"),
        holder_did=HOLDER.did,
        document_type="Passport",
        facts=FACTS,
        issued_at=NOW,
        status=status,
    )


def test_an_untrusted_issuer_makes_the_verifier_fetch_nothing() -> None:
    web = RecordingWeb({WEB_ISSUER: web_document()})

    def nobody(issuer: str, types: list[str]) -> Check:
        return Check("trust", Outcome.FAILED, "The issuer is not on the trust list.")

    result = verifier(resolver=Resolver(web=web), trust=nobody).verify_sd_jwt(
        presented(web_sd_jwt()), nonce=NONCE, audience=AUDIENCE
    )
    assert result.verdict is Verdict.NOT_VALID
    assert web.asked == []
    assert outcome(result.credentials[0], "proof") is Outcome.NOT_CHECKED


def test_trust_is_asked_with_the_identity_credential_type() -> None:
    asked: list[tuple[str, list[str]]] = []

    def policy(issuer: str, types: list[str]) -> Check:
        asked.append((issuer, types))
        return Check("trust", Outcome.PASSED, "Trusted.")

    result = verifier(trust=policy).verify_sd_jwt(presented(), nonce=NONCE, audience=AUDIENCE)
    assert result.verdict is Verdict.VALID
    assert asked == [(ISSUER.did, ["VerifiableCredential", "IdentityDocumentCredential"])]


def test_a_did_document_that_cannot_be_had_cannot_confirm() -> None:
    web = RecordingWeb({}, unavailable=True)
    result = verifier(resolver=Resolver(web=web)).verify_sd_jwt(
        presented(web_sd_jwt()), nonce=NONCE, audience=AUDIENCE
    )
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert outcome(result.credentials[0], "proof") is Outcome.UNKNOWN


def test_a_key_marked_compromised_is_not_valid() -> None:
    web = RecordingWeb({WEB_ISSUER: web_document(revoked=True)})
    result = verifier(resolver=Resolver(web=web)).verify_sd_jwt(
        presented(web_sd_jwt()), nonce=NONCE, audience=AUDIENCE
    )
    assert result.verdict is Verdict.NOT_VALID
    assert "revoked as compromised" in reason(result.credentials[0], "proof")


def test_a_key_not_the_issuers_is_not_valid() -> None:
    token = issue_identity_document(
        signer=IssuerKey(STRANGER.jwk, ISSUER.did, STRANGER.signer.kid),
        holder_did=HOLDER.did,
        document_type="Passport",
        facts=FACTS,
        issued_at=NOW,
    )
    result = verifier().verify_sd_jwt(presented(token), nonce=NONCE, audience=AUDIENCE)
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result.credentials[0], "issuer key") == (
        "The SD-JWT was signed with a key that does not belong to its issuer."
    )
    assert outcome(result, "holder binding") is Outcome.NOT_CHECKED


def status_token(statuses: bytes, signer: IssuerKey = ISSUER.signer) -> str:
    claims = {
        "sub": STATUS_URI,
        "iat": int(NOW.timestamp()) - 60,
        "exp": int((NOW + timedelta(hours=1)).timestamp()),
        "status_list": {"bits": 1, "lst": encode(statuses)},
    }
    return jose.sign({"typ": "statuslist+jwt", "kid": signer.kid}, claims, signer.key)


def with_status(index: int, statuses: bytes, signer: IssuerKey = ISSUER.signer) -> Any:
    token = identity_sd_jwt(status={"status_list": {"idx": index, "uri": STATUS_URI}})
    tokens = StaticStatusTokens({STATUS_URI: status_token(statuses, signer)})
    return verifier(status_tokens=tokens).verify_sd_jwt(presented(token), nonce=NONCE, audience=AUDIENCE)


def test_token_status_list_clear_revoked_and_unverifiable() -> None:
    # Index 9: byte 1, bit 1 counted from the least significant (draft-ietf-oauth-status-list §4.1).
    clear = with_status(9, bytes([0xFF, 0b11111101]))
    assert clear.verdict is Verdict.VALID, clear.to_json()
    assert reason(clear.credentials[0], "status") == "The credential is not revoked or suspended."
    revoked = with_status(9, bytes([0x00, 0b00000010]))
    assert revoked.verdict is Verdict.NOT_VALID
    assert reason(revoked.credentials[0], "status") == "The credential has been revoked."
    forged = with_status(9, bytes([0x00, 0x00]), signer=STRANGER.signer)
    assert forged.verdict is Verdict.CANNOT_CONFIRM
    beyond = with_status(64, bytes([0x00]))
    assert beyond.verdict is Verdict.NOT_VALID


def test_a_status_list_that_cannot_be_had_cannot_confirm() -> None:
    token = identity_sd_jwt(status={"status_list": {"idx": 1, "uri": STATUS_URI}})
    result = verifier().verify_sd_jwt(presented(token), nonce=NONCE, audience=AUDIENCE)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert outcome(result.credentials[0], "status") is Outcome.UNKNOWN


def test_the_status_list_example_of_the_draft_decodes() -> None:
    # draft-ietf-oauth-status-list §4.1, the 1-bit example: lst "eNrbuRgAAhcBXQ" is [0xB9, 0xA3].
    from nansen.sdjwt.status_list import _inflate

    assert _inflate("eNrbuRgAAhcBXQ") == bytes([0xB9, 0xA3])


def test_a_bitstring_status_list_published_as_a_token_status_list_keeps_every_index() -> None:
    import secrets

    from nansen.sdjwt.status_list import StatusListToken, from_bitstring
    from nansen.status import StatusList

    bitstring = StatusList()
    revoked = {secrets.randbelow(len(bitstring)) for _ in range(50)} | {0, 7, 8, len(bitstring) - 1}
    for index in revoked:
        bitstring.set(index, True)
    token = StatusListToken(jose.read(status_token(b"\x00"), "t"), 1, from_bitstring(bitstring.to_bytes()))
    for index in [*revoked, 1, 6, 9, len(bitstring) - 2]:
        assert token.status(index) == (1 if index in revoked else 0), index


def test_the_facts_a_page_may_show_are_the_disclosed_ones_only() -> None:
    from nansen.sdjwt.identity import identity_facts

    result = verifier().verify_sd_jwt(presented(), nonce=NONCE, audience=AUDIENCE)
    assert result.document is not None
    shown = identity_facts(result.document)
    assert shown.problems == ()
    assert shown.document_type == "Passport"
    assert shown.facts == (("givenName", "Amina"), ("familyName", "Karimi"), ("birthDate", "1990-01-01"))
    odd = identity_facts({**result.document, "givenName": ["A", "B"], "favouriteColour": "blue"})
    assert "The identity document carries a claim that this page cannot show." in odd.problems
    assert "The identity document gives givenName in a form this page cannot show faithfully." in odd.problems
    assert identity_facts({"vct": "urn:other"}).problems == (
        "The credential is not of a type this page can show.",
    )


def test_a_disclosed_value_no_verifier_reads_the_same_is_not_valid() -> None:
    from nansen.sdjwt import issue

    token = issue(
        {"givenName": "Amina\u0007", "birthDate": 2**60},
        vct="https://w3id.org/nansen/vct/identity-document/v1",
        signer=ISSUER.signer,
        holder_key=HOLDER.jwk,
        disclosable=[("givenName",), ("birthDate",)],
        issued_at=NOW,
    )
    result = verifier().verify_sd_jwt(
        presented(token, [("givenName",), ("birthDate",)]), nonce=NONCE, audience=AUDIENCE
    )
    assert result.verdict is Verdict.NOT_VALID
    assert outcome(result.credentials[0], "format") is Outcome.FAILED
