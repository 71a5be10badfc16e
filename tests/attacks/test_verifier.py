"""Attacks on the verifier service (issue 9), each sent to a running service on loopback.

Replay by re-wrapping a one-way presentation's proof, presentations bound to a spent challenge or
to another verifier, a bare credential pasted into the page, a forged issuer, facts wrapped in a
shape the page used to miss, and picture bombs sent to ``POST /scan``.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import struct
import subprocess
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from typer.testing import CliRunner

from nansen import vcdm
from nansen.demo.roles import answering, free_port
from nansen.facts import read_facts
from nansen.proofs import ProofOptions, add_proof
from nansen.qr import encode_presentation
from nansen.timeutil import now
from service.problems import TYPES
from tests.helpers import (
    HOLDER,
    ISSUED,
    PARTNER,
    STRANGER,
    identity_credential,
    presentation,
    signed_credential,
)
from tests.verifier.issuing import GOVERNANCE, PARTNER_NAME, presentation_at, trust_settings
from tests.verifier.pictures import camera_frame, camera_jpeg
from tests.verifier.support import DOMAIN, Service, one_way, service, sqlite_url
from verifier import Mode, replay
from verifier.cli import app as cli

HTML = {"Accept": "text/html"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
OTHER_DOMAIN = "clinic.example"
#: The "Issued by" line of a credential whose issuer is not shown.
UNCONFIRMED_ISSUER = "<dd>not confirmed as a trusted partner</dd>"


@contextlib.contextmanager
def trusted(directory: Path, **overrides: Any) -> Iterator[Service]:
    """A verifier on its own SQLite file that trusts PARTNER (the pages judge trust always)."""
    directory.mkdir(parents=True, exist_ok=True)
    with service(sqlite_url(directory), directory, **trust_settings(directory), **overrides) as running:
        yield running


def verdict(response: httpx.Response) -> str:
    value = response.json()["verdict"]
    assert isinstance(value, str)
    return value


def check(response: httpx.Response, name: str) -> dict[str, Any]:
    body = response.json()
    reports = [body, *body.get("credentials", [])]
    found = [r for report in reports for r in report["results"] if r["check"] == name]
    assert found, (name, body)
    return found[0]


def scan(running: Service, picture: bytes, **headers: str) -> httpx.Response:
    return running.client.post(
        f"{running.url}/scan", content=picture, headers={"Content-Type": "image/jpeg", **headers}
    )


def paste(running: Service, document: dict[str, Any], lang: str = "en") -> httpx.Response:
    return running.client.post(f"{running.url}/verify-page?lang={lang}", data={"text": json.dumps(document)})


def with_proofs(vp: dict[str, Any], proofs: list[dict[str, Any]]) -> dict[str, Any]:
    return {**copy.deepcopy(vp), "proof": proofs}


# -- 1. replay: single use is keyed on what the holder signed, not on the JSON around it


def test_a_one_way_presentation_is_not_made_new_by_rewrapping_its_proof(tmp_path: Path) -> None:
    with trusted(tmp_path) as running:
        vp = one_way(signed_credential())
        first = running.verify_presentation(vp)
        assert verdict(first) == "VALID", first.text
        assert verdict(running.verify_presentation(vp)) == "NOT VALID"
        proof = vp["proof"]
        # The holder's own second proof, appended: the core accepts two proofs by the holder.
        appended = add_proof(vp, HOLDER, ProofOptions(purpose="authentication", created=ISSUED))
        assert isinstance(appended["proof"], list)
        assert len(appended["proof"]) == 2
        for rewrapped in (
            with_proofs(vp, [proof]),
            with_proofs(vp, [proof, proof]),
            appended,
            with_proofs(vp, list(reversed(appended["proof"]))),
        ):
            response = running.verify_presentation(rewrapped)
            assert response.status_code == 400, response.text
            assert verdict(response) == "NOT VALID"
        # The "one-time" original stays spent.
        again = running.verify_presentation(vp)
        assert verdict(again) == "NOT VALID"
        assert "already been accepted" in check(again, "replay")["reason"]


def test_a_presentation_accepted_with_two_proofs_cannot_come_back_with_one(tmp_path: Path) -> None:
    with trusted(tmp_path) as running:
        vp = one_way(signed_credential())
        # A second proof made a second later (the same instant would give the same signature, a repeat).
        later = ISSUED + timedelta(seconds=1)
        both = add_proof(vp, HOLDER, ProofOptions(purpose="authentication", created=later))
        assert verdict(running.verify_presentation(both)) == "VALID"
        for proof in both["proof"]:
            assert verdict(running.verify_presentation(with_proofs(vp, [proof]))) == "NOT VALID"


def test_the_same_proof_scanned_again_through_the_page_is_refused(tmp_path: Path) -> None:
    with trusted(tmp_path) as running:
        vp = one_way(signed_credential())
        assert scan(running, camera_jpeg(encode_presentation(vp))).json()["verdict"] == "VALID"
        page = paste(running, with_proofs(vp, [vp["proof"], vp["proof"]]))
        assert 'data-verdict="VALID"' not in page.text


def test_the_replay_key_and_the_document_ticket_follow_the_signatures() -> None:
    vp = one_way(signed_credential())
    proof = vp["proof"]
    key = replay.presentation_digest(vp)
    assert replay.presentation_digest(with_proofs(vp, [proof, proof])) == key
    reformatted = with_proofs(vp, [dict(reversed(list(proof.items())))])
    assert replay.presentation_digest(reformatted) == key
    other = one_way(signed_credential(), moment=ISSUED + timedelta(seconds=1))
    assert replay.presentation_digest(other) != key
    assert replay.signature_digests(with_proofs(vp, [proof, other["proof"]])) == sorted(
        replay.signature_digests(vp) + replay.signature_digests(other)
    )


# -- 2. a presentation made for a challenge is accepted only with this verifier's unused challenge


def test_a_spent_challenge_is_not_accepted_without_options(tmp_path: Path) -> None:
    with trusted(tmp_path) as running:
        nonce = running.challenge()
        vp = presentation(signed_credential(), challenge=nonce, domain=DOMAIN)
        assert verdict(running.verify_presentation(vp, challenge=nonce)) == "VALID"
        replayed = running.verify_presentation(vp)  # no options: the default mixed mode
        assert replayed.status_code == 400
        assert "already been used" in check(replayed, "challenge")["reason"]


def test_without_options_the_challenge_in_the_proof_is_checked_and_spent(tmp_path: Path) -> None:
    with trusted(tmp_path) as running:
        vp = presentation(signed_credential(), challenge=running.challenge(), domain=DOMAIN)
        first = running.verify_presentation(vp)
        assert verdict(first) == "VALID", first.text
        assert check(first, "challenge")["outcome"] == "passed"
        assert verdict(running.verify_presentation(vp)) == "NOT VALID"
        made_up = presentation(signed_credential(), challenge="never-issued", domain=DOMAIN)
        refused = running.verify_presentation(made_up)
        assert "not issued by this verifier" in check(refused, "challenge")["reason"]


def test_a_presentation_for_another_verifier_is_refused_here(tmp_path: Path) -> None:
    with trusted(tmp_path / "a") as here, trusted(tmp_path / "b", domain=OTHER_DOMAIN) as there:
        nonce = here.challenge()
        vp = presentation(signed_credential(), challenge=nonce, domain=DOMAIN)
        for options in ({}, {"challenge": nonce}):
            response = there.verify_presentation(vp, **options)
            assert response.status_code == 400, options
            assert verdict(response) == "NOT VALID"
            assert check(response, "challenge")["outcome"] == "failed"
        # A scan at the other verifier, with no options (a challenged QR code), is refused too.
        assert scan(there, camera_jpeg(encode_presentation(vp))).json()["verdict"] == "NOT VALID"
        # Its own challenge, signed for the wrong domain, is refused by the one that issued it.
        their_nonce = there.challenge()
        wrong_domain = presentation(signed_credential(), challenge=their_nonce, domain=DOMAIN)
        refused = there.verify_presentation(wrong_domain)
        assert verdict(refused) == "NOT VALID"
        assert "domain" in check(refused, "proof")["reason"]
        # Nothing was spent here by the refusals there.
        assert verdict(here.verify_presentation(vp)) == "VALID"


def test_a_domain_without_a_challenge_is_never_one_way(tmp_path: Path) -> None:
    with trusted(tmp_path) as running:
        unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[signed_credential()])
        vp = add_proof(
            unsigned, HOLDER, ProofOptions(purpose="authentication", domain=DOMAIN, created=ISSUED)
        )
        response = running.verify_presentation(vp)
        assert verdict(response) == "NOT VALID"
        assert check(response, "challenge")["outcome"] == "failed"


def test_a_one_way_verifier_accepts_no_challenged_presentation(tmp_path: Path) -> None:
    with trusted(tmp_path, mode=Mode.ONE_WAY) as running:
        vp = presentation(signed_credential(), challenge="chosen-elsewhere", domain=DOMAIN)
        assert verdict(running.verify_presentation(vp)) == "NOT VALID"
        assert scan(running, camera_jpeg(encode_presentation(vp))).json()["verdict"] == "NOT VALID"


def test_a_challenged_qr_code_is_scanned_once_without_options(tmp_path: Path) -> None:
    with trusted(tmp_path, mode=Mode.CHALLENGE) as running:
        picture = camera_jpeg(
            encode_presentation(presentation(signed_credential(), challenge=running.challenge()))
        )
        first = scan(running, picture)
        assert first.json()["verdict"] == "VALID", first.text
        second = scan(running, picture)
        assert "already been used" in check(second, "challenge")["reason"]


# -- 3. a bare credential is never VALID on a page


@pytest.mark.parametrize("mode", [Mode.MIXED, Mode.CHALLENGE])
@pytest.mark.parametrize(
    ("lang", "words"), [("en", "not presented by its holder"), ("fr", "pas été présentée")]
)
def test_a_pasted_credential_is_not_valid_and_shows_no_facts(
    tmp_path: Path, mode: Mode, lang: str, words: str
) -> None:
    with trusted(tmp_path, mode=mode) as running:
        page = paste(running, signed_credential(), lang)
        assert page.status_code == 200
        assert 'data-verdict="NOT VALID"' in page.text
        assert "data-not-presented" in page.text
        assert words in page.text
        for shown in (
            "Amina",
            "Haddad",
            "N0123456",
            "Every check passed",
            'data-verdict="VALID"',
            f"<dd>{PARTNER_NAME}</dd>",
        ):
            assert shown not in page.text


def test_a_credential_in_a_qr_code_is_not_valid(tmp_path: Path) -> None:
    with trusted(tmp_path) as running:
        response = scan(running, camera_jpeg(encode_presentation(signed_credential())))
        assert response.status_code == 400
        assert response.json()["verdict"] == "NOT VALID"
        assert "not presented by its holder" in check(response, "holder binding")["reason"]


# -- 4. issuer name and facts only when proof, issuer key and trust all passed


def test_a_forged_credential_naming_a_trusted_partner_shows_neither_partner_nor_facts(tmp_path: Path) -> None:
    forged = add_proof(identity_credential(), STRANGER, ProofOptions(created=ISSUED))  # issuer: PARTNER
    assert forged["issuer"] == PARTNER.controller
    with trusted(tmp_path) as running:
        page = paste(running, one_way(forged))
        assert 'data-verdict="NOT VALID"' in page.text
        for shown in (PARTNER_NAME, "Amina", "Haddad", "N0123456"):
            assert shown not in page.text


def test_an_untrusted_issuer_signing_its_own_credential_is_not_valid_on_a_page(tmp_path: Path) -> None:
    """Its proof goes unchecked because its issuer is untrusted: the page must keep that failure
    (it once replaced the trust check with "not judged", leaving nothing failed: VALID)."""
    unsigned = identity_credential()
    unsigned["issuer"] = STRANGER.controller  # genuinely signed by its own, untrusted, issuer
    stranger = add_proof(unsigned, STRANGER, ProofOptions(created=ISSUED))
    with trusted(tmp_path) as running:
        page = paste(running, one_way(stranger))
        assert 'data-verdict="NOT VALID"' in page.text
        assert "Amina" not in page.text
        scanned = running.client.post(
            f"{running.url}/scan",
            content=camera_jpeg(encode_presentation(one_way(stranger))),
            headers={"Content-Type": "image/jpeg"},
        )
        assert scanned.status_code == 400
        assert check(scanned, "trust")["outcome"] == "failed"


def test_a_copy_presented_by_someone_else_shows_no_facts(tmp_path: Path) -> None:
    with trusted(tmp_path) as running:
        page = paste(running, one_way(signed_credential(), signer=STRANGER))
        assert 'data-verdict="NOT VALID"' in page.text
        assert "Amina" not in page.text
        assert UNCONFIRMED_ISSUER in page.text


# -- 5. facts come from the signed graph; what cannot be shown faithfully is not VALID


def test_a_fact_wrapped_in_an_array_is_still_shown(tmp_path: Path) -> None:
    credential = signed_credential()
    credential["credentialSubject"]["identityDocument"]["givenName"] = ["Amina"]  # same graph: still signed
    with trusted(tmp_path) as running:
        page = paste(running, one_way(credential))
        assert 'data-verdict="VALID"' in page.text, page.text
        assert "Amina" in page.text
        assert "Haddad" in page.text
        assert ">None<" not in page.text


@pytest.mark.parametrize(
    "shape",
    [
        "Amina",
        ["Amina"],
        {"@value": "Amina"},
        [{"@value": "Amina"}],
        {"@value": "Amina", "@type": XSD_STRING},
    ],
)
def test_every_json_shape_of_the_same_signed_fact_reads_the_same(shape: Any) -> None:
    credential = identity_credential()
    credential["credentialSubject"]["identityDocument"]["givenName"] = shape
    read = read_facts(credential)
    assert read.problems == ()
    assert read.document_type == "Passport"
    assert ("givenName", "Amina") in read.facts
    assert read.facts == read_facts(identity_credential()).facts


def test_a_node_where_text_belongs_is_a_problem() -> None:
    credential = identity_credential()
    credential["credentialSubject"]["identityDocument"]["givenName"] = {"id": "urn:example:amina"}
    assert "givenName in a form" in " ".join(read_facts(credential).problems)
    credential = identity_credential()
    credential["credentialSubject"]["identityDocument"] = [
        credential["credentialSubject"]["identityDocument"],
        {**credential["credentialSubject"]["identityDocument"], "givenName": "Leila"},
    ]
    assert "more than one identity document" in " ".join(read_facts(credential).problems)


def _signed_with(**facts: Any) -> dict[str, Any]:
    unsigned = identity_credential()
    unsigned["credentialSubject"]["identityDocument"].update(facts)
    return add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED))


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        ({"givenName": ["Amina", "Leila"]}, "several values for givenName"),
        ({"familyName": {"@value": "Haddad", "@language": "ar"}}, "familyName in a form"),
        ({"familyName": {"@value": "Haddad", "@direction": "rtl"}}, "familyName in a form"),
        ({"https://example.org/hidden": "secret"}, "claim that this page cannot show"),
    ],
)
def test_a_signed_fact_the_page_cannot_show_faithfully_is_not_valid(
    tmp_path: Path, facts: dict[str, Any], reason: str
) -> None:
    with trusted(tmp_path) as running:
        vp = one_way(_signed_with(**facts))
        assert running.verify_presentation(vp).status_code == 200  # the VC-API shows the whole document
        response = scan(
            running,
            camera_jpeg(
                encode_presentation(one_way(_signed_with(**facts), moment=ISSUED + timedelta(seconds=1)))
            ),
        )
        assert response.json()["verdict"] == "NOT VALID"
        assert reason in check(response, "facts")["reason"]


def test_a_credential_without_an_identity_document_shows_no_python_none(tmp_path: Path) -> None:
    unsigned = identity_credential()
    del unsigned["credentialSubject"]["identityDocument"]
    unsigned["type"] = ["VerifiableCredential"]
    with trusted(tmp_path) as running:
        page = paste(running, one_way(add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED))))
        assert page.status_code == 200
        assert "None" not in page.text


# -- 6. picture bombs on POST /scan


def png(width: int, height: int, depth: int = 8, color_type: int = 6, frames: int = 1) -> bytes:
    """A PNG of zeros, written by hand so that it can be huge, deep or animated (APNG) yet tiny."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    row = b"\x00" * (1 + width * channels * depth // 8)
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0))
    animation = chunk(b"acTL", struct.pack(">II", frames, 0)) if frames > 1 else b""
    return b"\x89PNG\r\n\x1a\n" + header + animation + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def animated_gif() -> bytes:
    frames = [Image.new("L", (64, 64), shade) for shade in (0, 255, 0)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    return out.getvalue()


BOMBS = {
    "7000x7000 16-bit RGBA": (png(7000, 7000, depth=16), 413, "image-too-large"),
    "5000x5000 8-bit RGBA": (png(5000, 5000), 413, "image-too-large"),
    "2000x2000 16-bit RGBA": (png(2000, 2000, depth=16), 422, "unsupported-image"),
    "2000x2000 16-bit grey": (png(2000, 2000, depth=16, color_type=0), 422, "unsupported-image"),
    "animated PNG": (png(500, 500, frames=3), 422, "unsupported-image"),
    "animated GIF": (animated_gif(), 422, "unsupported-image"),
}


def high_water_kib(pid: int) -> int:
    """The peak resident memory of a process (``VmHWM``, KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


@contextlib.contextmanager
def served_process(directory: Path, **env: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``nansen verifier serve`` in its own process (its memory is its own), on a free port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "NANSEN_DATA_DIR": str(directory), **env}
    args = ["verifier", "serve", "--port", str(port)]
    with answering("verifier", args, environment, url + "/", directory / "verifier.log") as service:
        yield service.process, url


#: How much the verifier's peak memory may grow while it refuses every bomb, four at a time.
GROWTH_BOUND_KIB = 40 * 1024


def test_picture_bombs_are_refused_from_the_header_and_memory_stays_bounded(tmp_path: Path) -> None:
    with served_process(tmp_path) as (process, url), httpx.Client(timeout=60) as client:

        def send(picture: bytes) -> httpx.Response:
            return client.post(url + "/scan", content=picture, headers={"Content-Type": "image/png"})

        warm_up = send(camera_jpeg(encode_presentation(one_way(signed_credential()))))
        assert warm_up.status_code == 400  # an old presentation, no trust list: read, not valid
        before = high_water_kib(process.pid)
        for name, (picture, status, kind) in BOMBS.items():
            response = send(picture)
            assert response.status_code == status, (name, response.text)
            assert response.json()["type"] == TYPES + kind, name
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(send, [BOMBS["7000x7000 16-bit RGBA"][0]] * 8))
        assert {a.status_code for a in answers} == {413}  # judged before waiting for a decoding slot
        growth = high_water_kib(process.pid) - before
        assert growth < GROWTH_BOUND_KIB, f"peak memory grew by {growth} KiB"


def test_the_pixel_bound_is_a_setting(tmp_path: Path) -> None:
    picture = camera_jpeg(encode_presentation(one_way(signed_credential())))  # 1280 x 720
    with trusted(tmp_path, max_image_pixels=1280 * 720 - 1) as running:
        response = scan(running, picture)
        assert response.status_code == 413
        assert response.json()["type"] == TYPES + "image-too-large"


def test_scans_beyond_the_concurrency_bound_are_told_to_retry(tmp_path: Path) -> None:
    big = camera_frame(encode_presentation(one_way(signed_credential())), size=(4000, 4000))
    out = io.BytesIO()
    big.save(out, "JPEG", quality=90)
    picture = out.getvalue()
    with trusted(tmp_path, max_concurrent_scans=1) as running, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: scan(running, picture), range(8)))
        busy = [a for a in answers if a.status_code == 503]
        assert busy, [a.status_code for a in answers]
        assert all(a.headers["retry-after"] == "1" for a in busy)
        assert all(a.json()["type"] == TYPES + "busy" for a in busy)
        assert {a.status_code for a in answers} <= {200, 400, 503}
        page = scan(running, picture, **HTML)  # one at a time: read
        assert page.status_code in (200, 400)


# -- the command line verifies as POST /scan does


def test_the_command_line_never_calls_a_bare_credential_or_a_challenged_replay_valid(tmp_path: Path) -> None:
    env = {"NANSEN_DATA_DIR": str(tmp_path), "NANSEN_VERIFIER_DOMAIN": DOMAIN}
    settings = trust_settings(tmp_path)
    env |= {
        "NANSEN_VERIFIER_TRUST_LIST": settings["trust_list"],
        "NANSEN_VERIFIER_GOVERNANCE_DID": GOVERNANCE.controller,
    }
    bare = tmp_path / "bare.jpg"
    bare.write_bytes(camera_jpeg(encode_presentation(signed_credential())))
    outcome = CliRunner().invoke(cli, ["verify", "--qr", str(bare)], env=env)
    assert outcome.exit_code == 1, outcome.output
    report = json.loads(outcome.stdout)
    assert report["verdict"] == "NOT VALID"
    assert "not presented by its holder" in " ".join(report["errors"])
    # A presentation made for a challenge this verifier never issued, read with no --challenge.
    bound = tmp_path / "bound.jpg"
    made_for = presentation_at(signed_credential(), now(), challenge="someone-elses", domain=DOMAIN)
    bound.write_bytes(camera_jpeg(encode_presentation(made_for)))
    outcome = CliRunner().invoke(cli, ["verify", "--qr", str(bound)], env=env)
    assert outcome.exit_code == 1, outcome.output
    assert json.loads(outcome.stdout)["verdict"] == "NOT VALID"
