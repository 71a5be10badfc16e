"""A status list's proof is verified once per content and issuer document (`nansen.verified_lists`),
and never trusted from memory once either changed, nor past its validity period."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from nansen import status
from nansen.did.resolver import Resolver
from nansen.keys import Ed25519KeyPair, SigningKey
from nansen.proofs import ProofOptions, add_proof, verify_proofs
from nansen.timeutil import format_datetime
from nansen.verified_lists import VerifiedLists
from nansen.verify import Outcome, StaticStatusLists, Verdict, VerificationResult, Verifier
from tests.helpers import ISSUED, identity_credential

PARTNER_DID = "did:web:partner.example"
KEY = SigningKey(Ed25519KeyPair.from_seed(b"\x21" * 32), PARTNER_DID + "#key-1")
BASE = "https://partner.example/status"
INDEX = 77


def did_document(revoked: bool = False) -> dict[str, Any]:
    method: dict[str, Any] = {
        "id": KEY.verification_method,
        "type": "Multikey",
        "controller": PARTNER_DID,
        "publicKeyMultibase": KEY.key_pair.public_key.multibase,
    }
    if revoked:
        method["revoked"] = format_datetime(ISSUED - timedelta(days=1))
    return {"id": PARTNER_DID, "verificationMethod": [method], "assertionMethod": [KEY.verification_method]}


def credential() -> dict[str, Any]:
    unsigned = identity_credential()
    unsigned["issuer"] = PARTNER_DID
    unsigned["credentialStatus"] = [status.build_entry(f"{BASE}/revocation", INDEX, "revocation")]
    return add_proof(unsigned, KEY, ProofOptions(created=ISSUED))


def revocation_list(bits: set[int] = frozenset(), **proof: Any) -> dict[str, Any]:  # type: ignore[assignment]
    status_list = status.StatusList()
    for bit in bits:
        status_list.set(bit, True)
    unsigned = status.build_list_credential(
        f"{BASE}/revocation",
        PARTNER_DID,
        "revocation",
        status_list,
        valid_from=ISSUED,
        valid_until=ISSUED + timedelta(days=2),
    )
    return add_proof(unsigned, KEY, ProofOptions(created=ISSUED, **proof))


class CountingProofs:
    """Counts the documents whose proofs the pipeline verifies, by their type."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.lists = 0

        def counting(document: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            if status.LIST_CREDENTIAL_TYPE in document.get("type", []):
                self.lists += 1
            return verify_proofs(document, *args, **kwargs)

        monkeypatch.setattr("nansen.verify.verify_proofs", counting)


@pytest.fixture
def proofs(monkeypatch: pytest.MonkeyPatch) -> CountingProofs:
    return CountingProofs(monkeypatch)


def verifier(
    memory: VerifiedLists, resolver: Resolver, lists: list[dict[str, Any]], days: float = 1
) -> Verifier:
    return Verifier(
        resolver=resolver,
        status_lists=StaticStatusLists(lists),
        clock=lambda: ISSUED + timedelta(days=days),
        verified_lists=memory,
    )


def revocation(result: VerificationResult) -> Outcome:
    check = result.check("status: revocation")
    assert check is not None
    return check.outcome


def test_a_list_is_verified_once_then_remembered(proofs: CountingProofs) -> None:
    memory, resolver, lists = VerifiedLists(), Resolver(documents=[did_document()]), [revocation_list()]
    for _ in range(5):
        result = verifier(memory, resolver, lists).verify_credential(credential())
        assert result.verdict is Verdict.VALID, result.to_json()
    assert proofs.lists == 1


def test_without_a_memory_every_check_verifies_the_list(proofs: CountingProofs) -> None:
    resolver, lists = Resolver(documents=[did_document()]), [revocation_list()]
    for _ in range(3):
        result = Verifier(
            resolver=resolver, status_lists=StaticStatusLists(lists), clock=lambda: ISSUED + timedelta(days=1)
        ).verify_credential(credential())
        assert result.verdict is Verdict.VALID
    assert proofs.lists == 3


def test_a_refreshed_list_with_the_bit_set_is_verified_again_and_revokes(proofs: CountingProofs) -> None:
    memory, resolver = VerifiedLists(), Resolver(documents=[did_document()])
    assert (
        verifier(memory, resolver, [revocation_list()]).verify_credential(credential()).verdict
        is Verdict.VALID
    )
    result = verifier(memory, resolver, [revocation_list({INDEX})]).verify_credential(credential())
    assert result.verdict is Verdict.NOT_VALID
    assert revocation(result) is Outcome.FAILED
    assert proofs.lists == 2


def test_a_key_revoked_in_a_refreshed_did_document_is_not_answered_from_memory(
    proofs: CountingProofs,
) -> None:
    memory, resolver, lists = VerifiedLists(), Resolver(documents=[did_document()]), [revocation_list()]
    assert verifier(memory, resolver, lists).verify_credential(credential()).verdict is Verdict.VALID
    resolver.add_document(did_document(revoked=True))  # the partner declared its key compromised
    result = verifier(memory, resolver, lists)._entry_status(  # the list alone, as the pipeline asks
        credential()["credentialStatus"][0], lists[0], PARTNER_DID, ISSUED + timedelta(days=1)
    )
    assert result[0] is Outcome.UNKNOWN
    assert "did not verify" in result[1]
    assert proofs.lists == 2


def test_a_remembered_list_past_its_validity_period_is_not_used(proofs: CountingProofs) -> None:
    memory, resolver, lists = VerifiedLists(), Resolver(documents=[did_document()]), [revocation_list()]
    assert verifier(memory, resolver, lists).verify_credential(credential()).verdict is Verdict.VALID
    result = verifier(memory, resolver, lists, days=3).verify_credential(credential())
    assert revocation(result) is Outcome.UNKNOWN
    assert result.verdict is not Verdict.VALID


def test_a_list_whose_proof_expires_is_never_remembered(proofs: CountingProofs) -> None:
    memory, resolver = VerifiedLists(), Resolver(documents=[did_document()])
    lists = [revocation_list(expires=ISSUED + timedelta(days=1, hours=12))]
    assert verifier(memory, resolver, lists).verify_credential(credential()).verdict is Verdict.VALID
    assert verifier(memory, resolver, lists).verify_credential(credential()).verdict is Verdict.VALID
    assert proofs.lists == 2
    late = verifier(memory, resolver, lists, days=1.75).verify_credential(credential())
    assert revocation(late) is Outcome.UNKNOWN  # the proof has expired: checked, not remembered


def test_a_list_that_fails_is_verified_and_refused_every_time(proofs: CountingProofs) -> None:
    forged = revocation_list({INDEX})
    forged["credentialSubject"]["encodedList"] = revocation_list()["credentialSubject"]["encodedList"]
    memory, resolver = VerifiedLists(), Resolver(documents=[did_document()])
    for _ in range(3):
        result = verifier(memory, resolver, [forged]).verify_credential(credential())
        assert revocation(result) is Outcome.UNKNOWN
        assert result.verdict is Verdict.CANNOT_CONFIRM
    assert proofs.lists == 3


def test_the_memory_is_bounded() -> None:
    memory = VerifiedLists(size=2)
    for key in (b"a", b"b", b"c"):
        memory.remember(key)
    assert not memory.verified(b"a")
    assert memory.verified(b"b")
    assert memory.verified(b"c")
    memory.verified(b"b")  # used last: kept over c when d arrives
    memory.remember(b"d")
    assert memory.verified(b"b")
    assert memory.verified(b"d")
    assert not memory.verified(b"c")


class Lists(dict[str, dict[str, Any]]):
    """Status lists as a source the test can refresh."""

    def get(self, url: str, default: Any = None) -> Any:
        return super().get(url, default)


def test_the_verifier_service_verifies_each_list_once_across_requests(
    proofs: CountingProofs, tmp_path: Path
) -> None:
    """Over HTTP: ten presentations, each with the same two lists; the lists' proofs are verified
    once each. A list revoked after that is a new document: verified, and the verdict says so."""
    from tests.helpers import signed_credential
    from tests.verifier import support

    issued = signed_credential(credential_status=support.status_entries())
    lists = [support.status_list_credential("revocation"), support.status_list_credential("suspension")]
    source = Lists({c["id"]: c for c in lists})
    with support.service(support.sqlite_url(tmp_path), tmp_path / "data", status_lists=source) as service:
        for _minute in range(10):
            service.clock.advance(60)
            answer = service.verify_presentation(support.one_way(issued, moment=service.clock()))
            assert answer.status_code == 200, answer.text
            assert answer.json()["verified"] is True, answer.text
        assert proofs.lists == 2
        revoked = support.status_list_credential("revocation", revoked=True)
        source[revoked["id"]] = revoked  # the issuer's list, refreshed after a revocation
        service.clock.advance(60)
        answer = service.verify_presentation(support.one_way(issued, moment=service.clock()))
        assert answer.json()["verified"] is False
        assert proofs.lists == 3
