"""What the host refuses (issue #14, "The host refuses what it should"), each attack sent and its
refusal checked, on SQLite and PostgreSQL where the database takes part."""

from __future__ import annotations

import os
import struct
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, update

from tests.webwallet.host_support import (
    OCTETS,
    Account,
    Host,
    b64u,
    made_wallet,
    running_host,
    unb64u,
)
from wallet.header import Header
from wallet.host.encoding import account_text
from wallet.host.models import SignIn
from wallet.host.settings import DEFAULT_WALLET_KDF
from wallet.kdf import LEVELS


def _account(host: Host, tmp_path: Path) -> tuple[Account, bytes]:
    wallet = made_wallet(tmp_path / "phone")
    return host.create(wallet), wallet.file


def test_a_wrong_login_key_and_an_unknown_account_get_the_same_401(host: Host, tmp_path: Path) -> None:
    account, _file = _account(host, tmp_path)
    wrong = host.sign_in(account.account, os.urandom(32))
    unknown = host.sign_in(account_text(os.urandom(16)), os.urandom(32))
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["WWW-Authenticate"] == "Bearer"


def test_sign_in_attempts_are_limited_per_account_across_workers(database_url: str, tmp_path: Path) -> None:
    """Two servers on one database stand for two workers: attempts on one count on the other."""
    limits = {"signins_per_account": 3, "requests_per_address": 1000}
    with (
        running_host(database_url, tmp_path / "a", **limits) as first,
        running_host(database_url, tmp_path / "b", **limits) as second,
    ):
        wallet = made_wallet(tmp_path / "phone")
        account = first.create(wallet)
        answers = [first.sign_in(account.account, os.urandom(32)).status_code for _ in range(2)]
        answers.append(second.sign_in(account.account, os.urandom(32)).status_code)
        assert answers == [401, 401, 401]
        refused = second.sign_in(account.account, wallet.login)
        assert refused.status_code == 429, refused.text
        assert 0 < int(refused.headers["Retry-After"]) <= first.settings.rate_window_seconds
        assert first.sign_in(account.account, wallet.login).status_code == 429
        # Another account is not affected.
        other = first.create(made_wallet(tmp_path / "other"))
        assert second.sign_in(other.account, os.urandom(32)).status_code == 401


def test_sign_ins_are_limited_per_address(database_url: str, tmp_path: Path) -> None:
    with running_host(database_url, tmp_path, requests_per_address=4) as host:
        answers = [host.sign_in(account_text(os.urandom(16)), os.urandom(32)) for _ in range(5)]
        assert [a.status_code for a in answers] == [401] * 4 + [429]
        assert int(answers[-1].headers["Retry-After"]) > 0
        # Headers and backup fetches are counted apart from sign-ins, each within the same limit.
        headers = [host.post("/api/header", {"account": account_text(os.urandom(16))}) for _ in range(5)]
        assert [a.status_code for a in headers] == [200] * 4 + [429]


def test_account_creation_is_limited_per_address(tmp_path: Path) -> None:
    with running_host(f"sqlite:///{tmp_path / 'h.sqlite3'}", tmp_path, accounts_per_address=2) as host:
        body = {"verifiers": [b64u(os.urandom(32)) for _ in range(3)]}
        answers = [host.post("/api/accounts", body).status_code for _ in range(3)]
        assert answers == [201, 201, 429]


def _with_header(file: bytes, **changes: int) -> bytes:
    magic, version, algorithm, count, opslimit, memlimit, salt = struct.unpack_from(">8sBBBxIQ16s", file)
    fields = {"version": version, "algorithm": algorithm, "count": count, "opslimit": opslimit}
    fields = {**fields, "memlimit": memlimit, **changes}
    head = struct.pack(
        ">8sBBBxIQ16s",
        magic,
        fields["version"],
        fields["algorithm"],
        fields["count"],
        fields["opslimit"],
        fields["memlimit"],
        salt,
    )
    return head + file[len(head) :]


def test_a_file_that_is_not_a_wallet_is_refused_and_the_stored_one_kept(host: Host, tmp_path: Path) -> None:
    account, file = _account(host, tmp_path)
    sensitive = LEVELS["sensitive"]
    refusals = {
        "short": (file[:-1], 422),
        "long": (file + b"\0", 413),
        "empty": (b"", 422),
        "magic": (b"NOTAWLLT" + file[8:], 415),
        "version": (_with_header(file, version=2), 415),
        "algorithm": (_with_header(file, algorithm=1), 422),
        "slots": (_with_header(file, count=4), 422),
        "memory above sensitive": (_with_header(file, memlimit=sensitive.memlimit * 2), 422),
        "passes above sensitive": (_with_header(file, opslimit=sensitive.opslimit + 1), 422),
    }
    for name, (body, status) in refusals.items():
        answer = account.put(body, {"If-Match": account.etag})
        assert answer.status_code == status, (name, answer.text)
        assert answer.headers["Content-Type"] == "application/problem+json", name
    not_bytes = host.http.put(
        host.url + "/api/container",
        content=file,
        headers={**account.auth, "Content-Type": "application/json", "If-Match": account.etag},
    )
    assert not_bytes.status_code == 415
    stored = account.get()
    assert stored.content == file
    assert stored.headers["ETag"] == account.etag


def test_an_upload_without_a_precondition_or_with_a_stale_one(host: Host, tmp_path: Path) -> None:
    account, file = _account(host, tmp_path)
    other = made_wallet(tmp_path / "other").file
    assert account.put(other, {}).status_code == 428
    assert account.put(other, {"If-Match": "*"}).status_code == 428
    assert account.put(other, {"If-Match": f"W/{account.etag}"}).status_code == 428
    assert account.put(other, {"If-None-Match": "*"}).status_code == 412
    stale = account.put(other, {"If-Match": '"' + "0" * 32 + '"'})
    assert stale.status_code == 412
    assert stale.json()["type"].endswith("#wallet-changed")
    stored = account.get()
    assert stored.content == file
    assert stored.headers["ETag"] == account.etag
    # Verifiers are replaced only under the stored file's version too.
    verifiers = {"verifiers": [b64u(os.urandom(32)) for _ in range(3)]}
    url = host.url + "/api/verifiers"
    assert host.http.put(url, json=verifiers, headers=account.auth).status_code == 428
    stale_verifiers = host.http.put(url, json=verifiers, headers={**account.auth, "If-Match": '"0"'})
    assert stale_verifiers.status_code == 412


def test_racing_uploads_with_the_same_version_one_wins(host: Host, tmp_path: Path) -> None:
    account, _file = _account(host, tmp_path)
    candidates = [made_wallet(tmp_path / f"device-{i}").file for i in range(8)]
    for _round in range(3):
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda data: account.put(data, {"If-Match": account.etag}), candidates))
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [204] + [412] * 7, [a.text for a in answers]
        (winner,) = [i for i, answer in enumerate(answers) if answer.status_code == 204]
        stored = account.get()
        assert stored.content == candidates[winner]
        assert stored.headers["ETag"] == answers[winner].headers["ETag"]
        account.etag = answers[winner].headers["ETag"]


def test_expired_forged_and_missing_tokens_are_refused(database_url: str, host: Host, tmp_path: Path) -> None:
    account, file = _account(host, tmp_path)
    forged = Account(host, account.account, b64u(os.urandom(32)))
    assert forged.get().status_code == 401
    assert host.http.get(host.url + "/api/container").status_code == 401
    unsigned = host.http.put(
        host.url + "/api/container", content=file, headers={**OCTETS, "If-None-Match": "*"}
    )
    assert unsigned.status_code == 401
    too_long = Account(host, account.account, "a" * 4000)
    assert too_long.get().status_code == 401
    assert account.get().status_code == 200
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(update(SignIn).values(expires_at=SignIn.expires_at - 10_000))
    finally:
        engine.dispose()
    expired = account.get()
    assert expired.status_code == 401
    assert expired.headers["WWW-Authenticate"] == "Bearer"


def test_bad_json_bodies_are_refused_with_a_problem(host: Host) -> None:
    url = host.url + "/api/session"
    oversized = host.http.post(
        url, content=b'{"account": "' + b"a" * 20_000 + b'"}', headers={"Content-Type": "application/json"}
    )
    assert oversized.status_code == 413
    deep = host.http.post(
        url, content=b"[" * 5_000 + b"]" * 5_000, headers={"Content-Type": "application/json"}
    )
    assert deep.status_code == 400
    broken = host.http.post(url, content=b'{"account": ', headers={"Content-Type": "application/json"})
    assert broken.status_code == 400
    duplicate = host.http.post(
        url,
        content=b'{"account": "a", "account": "b", "login": "x"}',
        headers={"Content-Type": "application/json"},
    )
    assert duplicate.status_code == 400
    not_json = host.http.post(
        url, content=b"account=a", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert not_json.status_code == 415
    for body in ([], {"account": "x"}, {"account": "x", "login": "y", "extra": 1}):
        assert host.post("/api/session", body).status_code == 422, body
    for account in ("", "not-an-account", "a" * 25 + "b", account_text(os.urandom(15)), 12):
        assert host.post("/api/header", {"account": account}).status_code == 400, account
    for verifiers in ([], ["x"] * 3, [b64u(os.urandom(32))] * 3, [b64u(os.urandom(31)) for _ in range(3)]):
        assert host.post("/api/accounts", {"verifiers": verifiers}).status_code == 422, verifiers
    for answer in (oversized, deep, broken, not_json):
        assert answer.headers["Content-Type"] == "application/problem+json"


def test_an_unknown_account_gets_a_stable_header_shaped_as_a_real_one(host: Host, tmp_path: Path) -> None:
    stranger = account_text(os.urandom(16))
    first = host.post("/api/header", {"account": stranger})
    second = host.post("/api/header", {"account": stranger.upper().replace("-", "")})
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert set(first.json()) == {"header"}
    fake = unb64u(first.json()["header"])
    parsed = Header.parse(fake, b"NSWALLET", 3)
    assert parsed is not None
    assert parsed.cost == LEVELS[DEFAULT_WALLET_KDF]
    other = unb64u(host.post("/api/header", {"account": account_text(os.urandom(16))}).json()["header"])
    assert other != fake
    assert len(other) == len(fake)
    # A real account's answer has the same shape.
    account, file = _account(host, tmp_path)
    real = host.post("/api/header", {"account": account.account})
    assert set(real.json()) == {"header"}
    assert unb64u(real.json()["header"]) == file[:40]


def test_backups_of_another_shape_are_refused(host: Host, tmp_path: Path) -> None:
    account, file = _account(host, tmp_path)
    url = host.url + "/api/backups"
    for body, status in ((b"NSDOC\x01" + bytes(100), 422), (bytes(327_815), 415), (file, 413)):
        answer = host.http.post(url, content=body, headers={**account.auth, **OCTETS})
        assert answer.status_code == status, answer.text
    assert host.http.post(url, content=bytes(327_815), headers=OCTETS).status_code == 401
    # The host is no general IPFS gateway: only content of a backup's shape comes back.
    for cid in ("not a cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", 7):
        assert host.post("/api/backups/fetch", {"cid": cid}).status_code in (404, 422)


def test_identifiers_never_travel_in_the_path(host: Host) -> None:
    paths = list(host.http.get(host.url + "/openapi.json").json()["paths"])
    assert "/api/container" in paths
    assert [path for path in paths if "{" in path] == []
