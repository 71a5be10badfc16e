"""The engine's card check (``checkCredential``, ``checkAll``: W3C Bitstring Status List v1.0 §3.2 in
the browser's engine) against the real issuer over HTTPS on loopback, and the attacks on it: a
status list signed by another key, one issued by someone else, one that does not answer, one
whose GZIP stream carries more; and the sealed record of the results (``sealChecks``,
``openChecks``), which opens only with its slot's key and in its own slot."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

from nansen.did.key import SigningKey
from nansen.proofs import ProofOptions, add_proof
from nansen.sdjwt import jose
from nansen.sdjwt.status_list import encode
from nansen.status import StatusList, build_entry, build_list_credential
from nansen.timeutil import now
from tests.helpers import ISSUED, PARTNER, STRANGER, identity_credential
from tests.issuer.payloads import issue_request
from tests.issuer.test_isolation import status_change
from tests.sdjwt.support import ISSUER as SD_JWT_ISSUER
from tests.sdjwt.support import STRANGER as SD_JWT_STRANGER
from tests.sdjwt.support import Party, identity_sd_jwt
from tests.servers import loopback_socket
from tests.wallet.services import client_context, issuer_service, serving_tls
from tests.wallet.test_openid4vci import offer_to
from tests.webwallet.engine import call, unb64

PASSPHRASE = "correct horse battery"


@pytest.fixture
def ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[trustme.CA, Path]:
    authority = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("NANSEN_TLS_CA_FILE", str(ca_file))
    monkeypatch.setenv("NANSEN_ALLOW_PRIVATE_ADDRESSES", "1")
    return authority, ca_file


def test_the_real_issuers_revocation_and_suspension_are_seen(
    tmp_path: Path, ca: tuple[trustme.CA, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with issuer_service(tmp_path / "issuer", ca[0], monkeypatch) as partner:
        auth = {"Authorization": f"Bearer {partner.api_key}"}
        with httpx.Client(verify=client_context(ca[0]), timeout=60) as http:
            issued = []
            for _ in range(3):
                body = issue_request(identity_credential(issuer=PARTNER) | {"issuer": partner.did})
                answer = http.post(f"{partner.url}/credentials/issue", json=body, headers=auth)
                assert answer.status_code == 201, answer.text
                issued.append(answer.json())
            for credential in issued:
                assert call("checkCredential", credential=credential, ca_file=ca[1]) == {
                    "result": "valid",
                    "problems": [],
                }
            for credential, purpose in ((issued[0], "revocation"), (issued[1], "suspension")):
                changed = http.post(
                    f"{partner.url}/credentials/status",
                    json=status_change(credential["id"], purpose),
                    headers=auth,
                )
                assert changed.status_code == 200, changed.text
        revoked = call("checkCredential", credential=issued[0], ca_file=ca[1])
        assert revoked == {"result": "revoked", "problems": ["The credential has been revoked."]}
        suspended = call("checkCredential", credential=issued[1], ca_file=ca[1])
        assert suspended == {"result": "suspended", "problems": ["The credential has been suspended."]}
        assert call("checkCredential", credential=issued[2], ca_file=ca[1])["result"] == "valid"
        # A forged credential is invalid whatever its status list says.
        forged = json.loads(json.dumps(issued[2]))
        forged["credentialSubject"]["identityDocument"]["givenName"] = "Someone"
        assert call("checkCredential", credential=forged, ca_file=ca[1])["result"] == "invalid"
    # The issuer is gone: its DID document and its lists cannot be had. Not valid, not invalid.
    gone = call("checkCredential", credential=issued[2], ca_file=ca[1])
    assert gone["result"] == "unknown"


@dataclass
class Lists:
    """An HTTPS server of status list credentials on loopback, at ``url + path``."""

    url: str
    documents: dict[str, Any]


@pytest.fixture
def lists(tmp_path: Path, ca: tuple[trustme.CA, Path]) -> Iterator[Lists]:
    served = Lists("", {})
    app = FastAPI()

    @app.get("/lists/{name}")
    def one(name: str) -> Response:
        if name not in served.documents:
            return JSONResponse({"detail": "none"}, status_code=404)
        document = served.documents[name]
        if isinstance(document, str):  # a Status List Token
            return Response(document, media_type="application/statuslist+jwt")
        return JSONResponse(document)

    sock, port = loopback_socket()
    served.url = f"https://localhost:{port}/lists/"
    with serving_tls(app, sock, ca[0].issue_cert("localhost"), tmp_path):
        yield served


def listed(url: str, issuer: str, signer: SigningKey, revoked: int | None = None) -> dict[str, Any]:
    bits = StatusList()
    if revoked is not None:
        bits.set(revoked, True)
    unsigned = build_list_credential(url, issuer, "revocation", bits, valid_from=ISSUED)
    return add_proof(unsigned, signer, ProofOptions(cryptosuite="eddsa-jcs-2022", created=ISSUED))


def credential_with_status(url: str, index: int = 41) -> dict[str, Any]:
    unsigned = identity_credential(credential_status=[build_entry(url, index, "revocation")])
    return add_proof(unsigned, PARTNER, ProofOptions(cryptosuite="eddsa-jcs-2022", created=ISSUED))


def check(lists: Lists, ca: tuple[trustme.CA, Path], name: str, **list_options: Any) -> dict[str, Any]:
    url = lists.url + name
    if list_options.get("document", True) is not None:
        lists.documents[name] = list_options.get("document") or listed(
            url,
            list_options.get("issuer", PARTNER.controller),
            list_options.get("signer", PARTNER),
            list_options.get("revoked"),
        )
    result: dict[str, Any] = call("checkCredential", credential=credential_with_status(url), ca_file=ca[1])
    return result


def test_a_list_of_the_credentials_issuer_answers(lists: Lists, ca: tuple[trustme.CA, Path]) -> None:
    assert check(lists, ca, "clear") == {"result": "valid", "problems": []}
    assert check(lists, ca, "set", revoked=41)["result"] == "revoked"
    assert check(lists, ca, "other-bit", revoked=40)["result"] == "valid"  # §7.1 bit order


def test_a_list_signed_by_another_key_is_not_believed(lists: Lists, ca: tuple[trustme.CA, Path]) -> None:
    """The stranger says "not revoked" in the issuer's name: the proof's key is not the issuer's."""
    found = check(lists, ca, "forged", signer=STRANGER)
    assert found == {
        "result": "unknown",
        "problems": ["The status list did not verify, so the status cannot be confirmed."],
    }


def test_a_list_issued_by_someone_else_is_refused(lists: Lists, ca: tuple[trustme.CA, Path]) -> None:
    """A list the stranger signed as itself: valid for the stranger, but not the credential's issuer's."""
    found = check(lists, ca, "theirs", issuer=STRANGER.controller, signer=STRANGER)
    assert found == {"result": "invalid", "problems": ["The status list was issued by someone else."]}


def test_a_list_that_does_not_answer_is_never_valid(lists: Lists, ca: tuple[trustme.CA, Path]) -> None:
    assert check(lists, ca, "missing", document=None)["result"] == "unknown"  # 404
    sock, port = loopback_socket()  # bound, never listening: the connection is refused
    try:
        credential = credential_with_status(f"https://localhost:{port}/lists/x")
        assert call("checkCredential", credential=credential, ca_file=ca[1])["result"] == "unknown"
    finally:
        sock.close()
    # Plain http is never fetched.
    assert (
        call("checkCredential", credential=credential_with_status("http://localhost:1/x"))["result"]
        == "unknown"
    )


def test_a_list_with_more_after_its_gzip_stream_or_too_short_is_refused(
    lists: Lists, ca: tuple[trustme.CA, Path]
) -> None:
    for name, data, problem in (
        ("whole", gzip.compress(bytes(16384), mtime=0), None),
        (
            "trailing",
            gzip.compress(bytes(16384), mtime=0) + b"\x00",
            "The status list is not one complete GZIP stream.",
        ),
        (
            "short",
            gzip.compress(bytes(16383), mtime=0),
            "A status list must have at least 131,072 entries (§6.1).",
        ),
    ):
        url = lists.url + name
        document = build_list_credential(
            url, PARTNER.controller, "revocation", StatusList(), valid_from=ISSUED
        )
        encoded = "u" + base64.urlsafe_b64encode(data).decode().rstrip("=")
        document["credentialSubject"]["encodedList"] = encoded
        signed = add_proof(document, PARTNER, ProofOptions(cryptosuite="eddsa-jcs-2022", created=ISSUED))
        found = check(lists, ca, name, document=signed)
        assert found == (
            {"result": "invalid", "problems": [problem]} if problem else {"result": "valid", "problems": []}
        )


def test_the_results_open_only_with_their_slot_key_in_their_slot() -> None:
    made = call("create", passphrase=PASSPHRASE, cost="minimum", duress="a duress passphrase")
    checks = {"0a1b2c3d": {"result": "revoked", "at": "2026-12-07T05:00:00.000Z"}}
    records = call("sealChecks", file=made["file"], passphrase=PASSPHRASE, checks=checks)["records"]
    assert len(records) == 3
    assert len({len(unb64(r)) for r in records}) == 1
    assert call("openChecks", records=records, file=made["file"], passphrase=PASSPHRASE)["checks"] == checks
    # The duress passphrase's wallet sees nothing of them, and keeps its own beside them.
    assert (
        call("openChecks", records=records, file=made["file"], passphrase="a duress passphrase")["checks"]
        == {}
    )
    decoy = {"ffffffff": {"result": "valid", "at": "2026-12-07T05:01:00.000Z"}}
    both = call(
        "sealChecks", records=records, file=made["file"], passphrase="a duress passphrase", checks=decoy
    )
    assert (
        call("openChecks", records=both["records"], file=made["file"], passphrase=PASSPHRASE)["checks"]
        == checks
    )
    # A record moved to another slot, or into another wallet, opens nothing.
    own = made["slot"]
    moved = list(records)
    other = (own + 1) % 3
    moved[other], moved[own] = moved[own], moved[other]
    assert call("openChecks", records=moved, file=made["file"], passphrase=PASSPHRASE)["checks"] == {}
    another = call("create", passphrase=PASSPHRASE, cost="minimum")
    assert call("openChecks", records=records, file=another["file"], passphrase=PASSPHRASE)["checks"] == {}


def test_both_formats_of_an_offer_are_checked_and_revoked_together(
    tmp_path: Path, ca: tuple[trustme.CA, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The offer gives a Data Integrity credential and an SD-JWT VC whose Token Status List is the
    same revocation bit (issuer.sdjwt): one revocation, and both cards say so."""
    monkeypatch.setenv("NANSEN_WALLET_KDF", "minimum")
    phone = call("create", passphrase=PASSPHRASE, cost="minimum")
    with issuer_service(tmp_path / "issuer", ca[0], monkeypatch) as partner:
        uri, pin = offer_to(partner, ca[0], phone["did"])
        state = call("receiveOffer", state=phone["state"], offer=uri, pin=pin, ca_file=ca[1])["state"]
        checked = call("checkAll", state=state, ca_file=ca[1])
        assert len(checked) == 2
        assert all(found == {"result": "valid", "problems": []} for found in checked.values()), checked
        credential = state["credentials"][0]["credential"]
        with httpx.Client(verify=client_context(ca[0]), timeout=60) as http:
            revoked = http.post(
                f"{partner.url}/credentials/status",
                json=status_change(credential["id"]),
                headers={"Authorization": f"Bearer {partner.api_key}"},
            )
            assert revoked.status_code == 200, revoked.text
        checked = call("checkAll", state=state, ca_file=ca[1])
        assert [found["result"] for found in checked.values()] == ["revoked", "revoked"]
    gone = call("checkAll", state=state, ca_file=ca[1])  # the issuer is gone: nothing confirmed
    assert [found["result"] for found in gone.values()] == ["unknown", "unknown"]


def status_token(uri: str, statuses: bytes, signer: Party = SD_JWT_ISSUER) -> str:
    moment = int(now().timestamp())
    claims = {
        "sub": uri,
        "iat": moment - 60,
        "exp": moment + 3600,
        "status_list": {"bits": 1, "lst": encode(statuses)},
    }
    return jose.sign({"typ": "statuslist+jwt", "kid": signer.signer.kid}, claims, signer.jwk)


def test_an_sd_jwts_token_status_list_is_read_and_a_forged_one_not_believed(
    lists: Lists, ca: tuple[trustme.CA, Path]
) -> None:
    """IETF Token Status List: bit 5 counted from the least significant bit; signed by the issuer's
    key, or not believed; an index beyond the list refused."""
    uri = lists.url + "token"
    token = identity_sd_jwt(status={"status_list": {"idx": 5, "uri": uri}})
    cases = (
        (status_token(uri, bytes(16)), "valid"),
        (status_token(uri, bytes([0b0010_0000]) + bytes(15)), "revoked"),
        (status_token(uri, bytes([0b1101_1111]) + bytes(15)), "valid"),
        (status_token(uri, bytes([0b0010_0000]), SD_JWT_STRANGER), "unknown"),  # another key
        (status_token(lists.url + "other", bytes(16)), "unknown"),  # another list's token (sub)
        (status_token(uri, b""), "invalid"),  # the index is beyond the list
    )
    for served, result in cases:
        lists.documents["token"] = served
        assert call("checkCredential", credential=token, ca_file=ca[1])["result"] == result, result
    del lists.documents["token"]
    assert call("checkCredential", credential=token, ca_file=ca[1])["result"] == "unknown"  # 404
    assert call("checkCredential", credential=identity_sd_jwt(), ca_file=ca[1]) == {
        "result": "valid",
        "problems": [],
    }
