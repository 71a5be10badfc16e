"""Status in the verification pipeline: revoked, suspended, unknown is never valid, refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from nansen import status
from nansen.proofs import ProofOptions, add_proof
from nansen.verify import Outcome, StaticStatusLists, Verdict, Verifier
from tests.helpers import ISSUED, PARTNER, STRANGER, signed_credential

BASE = "https://partner.example/status"
INDEX = 4242


def status_entries(index: int = INDEX, base: str = BASE) -> list[dict[str, Any]]:
    return [status.build_entry(f"{base}/{p}", index, p) for p in ("revocation", "suspension")]


def list_credential(
    purpose: str,
    bits: set[int] = frozenset(),
    signer: Any = PARTNER,
    valid_until: Any = None,  # type: ignore[assignment]
) -> dict[str, Any]:
    status_list = status.StatusList()
    for bit in bits:
        status_list.set(bit, True)
    unsigned = status.build_list_credential(
        f"{BASE}/{purpose}",
        signer.controller,
        purpose,
        status_list,
        valid_from=ISSUED,
        valid_until=valid_until,
    )
    return add_proof(unsigned, signer, ProofOptions(created=ISSUED))


def verify(credential: dict[str, Any], *lists: dict[str, Any], days: int = 1) -> Any:
    verifier = Verifier(status_lists=StaticStatusLists(lists), clock=lambda: ISSUED + timedelta(days=days))
    return verifier.verify_credential(credential)


def outcomes(result: Any) -> dict[str, Outcome]:
    return {c.name: c.outcome for c in result.checks if c.name.startswith("status")}


def test_clear_status_is_valid() -> None:
    credential = signed_credential(credential_status=status_entries())
    result = verify(credential, list_credential("revocation"), list_credential("suspension"))
    assert result.verdict is Verdict.VALID, result.to_json()
    assert outcomes(result) == {"status: revocation": Outcome.PASSED, "status: suspension": Outcome.PASSED}


def test_revoked_is_not_valid() -> None:
    credential = signed_credential(credential_status=status_entries())
    result = verify(credential, list_credential("revocation", {INDEX}), list_credential("suspension"))
    assert result.verdict is Verdict.NOT_VALID
    assert outcomes(result)["status: revocation"] is Outcome.FAILED
    assert "revoked" in result.check("status: revocation").reason


def test_suspended_is_not_valid_and_reinstated_is() -> None:
    credential = signed_credential(credential_status=status_entries())
    suspended = verify(credential, list_credential("revocation"), list_credential("suspension", {INDEX}))
    assert suspended.verdict is Verdict.NOT_VALID
    reinstated = verify(credential, list_credential("revocation"), list_credential("suspension", set()))
    assert reinstated.verdict is Verdict.VALID


def test_unreachable_list_is_cannot_confirm_never_valid() -> None:
    credential = signed_credential(credential_status=status_entries())
    result = verify(credential, list_credential("revocation"))
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert result.verified is False
    assert outcomes(result)["status: suspension"] is Outcome.UNKNOWN


def test_tampered_list_is_cannot_confirm() -> None:
    revocation = list_credential("revocation", {INDEX})
    revocation["credentialSubject"]["encodedList"] = list_credential("revocation")["credentialSubject"][
        "encodedList"
    ]
    credential = signed_credential(credential_status=status_entries())
    result = verify(credential, revocation, list_credential("suspension"))
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert outcomes(result)["status: revocation"] is Outcome.UNKNOWN


def test_expired_list_is_cannot_confirm() -> None:
    credential = signed_credential(credential_status=status_entries())
    stale = list_credential("revocation", valid_until=ISSUED + timedelta(days=1))
    result = verify(credential, stale, list_credential("suspension"), days=3)
    assert result.verdict is Verdict.CANNOT_CONFIRM


def test_index_out_of_range_is_refused() -> None:
    entries = status_entries(index=status.MIN_ENTRIES + 5)
    credential = signed_credential(credential_status=entries)
    result = verify(credential, list_credential("revocation"), list_credential("suspension"))
    assert result.verdict is Verdict.NOT_VALID
    assert outcomes(result)["status: revocation"] is Outcome.FAILED


def test_wrong_purpose_is_refused() -> None:
    entries = status_entries()
    entries[0]["statusPurpose"] = "suspension"  # points at the revocation list with another purpose
    credential = signed_credential(credential_status=entries)
    result = verify(credential, list_credential("revocation"), list_credential("suspension"))
    assert result.verdict is Verdict.NOT_VALID


def test_list_from_another_issuer_is_refused() -> None:
    credential = signed_credential(credential_status=status_entries())
    foreign = list_credential("revocation", signer=STRANGER)
    result = verify(credential, foreign, list_credential("suspension"))
    assert result.verdict is Verdict.NOT_VALID
    assert outcomes(result)["status: revocation"] is Outcome.FAILED


def test_an_unverified_credential_makes_no_status_fetch() -> None:
    """A forged credential must not make the verifier fetch the URLs it names."""
    asked: list[str] = []

    class Recording:
        def get(self, url: str) -> dict[str, Any] | None:
            asked.append(url)
            return None

    credential = signed_credential(credential_status=status_entries())
    credential["credentialSubject"]["identityDocument"]["familyName"] = "Forged"
    result = Verifier(status_lists=Recording(), clock=lambda: ISSUED + timedelta(days=1)).verify_credential(
        credential
    )
    assert result.verdict is Verdict.NOT_VALID
    assert result.check("status").outcome is Outcome.NOT_CHECKED
    assert asked == []
