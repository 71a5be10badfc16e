"""``POST /scan``: a picture of a QR code in, the verdict out (VC-API report, or the page for a
browser), with the same replay protection as ``POST /presentations/verify``; every refusal."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from nansen.qr import encode_presentation, qr_png
from service.problems import TYPES
from tests.helpers import presentation, signed_credential
from tests.verifier.issuing import PARTNER_NAME, trust_settings
from tests.verifier.pictures import camera_jpeg
from tests.verifier.support import DOMAIN, Service, one_way, service, sqlite_url
from verifier import Mode
from verifier.pages.render import CATALOGUES

JPEG = {"Content-Type": "image/jpeg"}
HTML = {"Accept": "text/html"}


def code_of(vp: dict[str, Any]) -> bytes:
    return camera_jpeg(encode_presentation(vp))


def scan_raw(running: Service, image: bytes, query: str = "", **headers: str) -> httpx.Response:
    return running.client.post(f"{running.url}/scan{query}", content=image, headers={**JPEG, **headers})


def scan_form(running: Service, image: bytes, **fields: str) -> httpx.Response:
    return running.client.post(
        f"{running.url}/scan", files={"image": ("qr.jpg", image, "image/jpeg")}, data=fields
    )


def result(response: httpx.Response, name: str) -> dict[str, Any]:
    body = response.json()
    reports = [body, *body.get("credentials", [])]
    return next(r for report in reports for r in report["results"] if r["check"] == name)


def png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def test_a_picture_sent_as_a_form_is_verified(trusted_service: Service) -> None:
    response = scan_form(trusted_service, code_of(one_way(signed_credential())))
    assert response.status_code == 200, response.text
    assert response.json()["verdict"] == "VALID"
    assert response.headers["cache-control"] == "no-store"
    assert result(response, "trust")["reason"] == f"Issued by {PARTNER_NAME}, a trusted partner."
    assert result(response, "freshness")["outcome"] == "passed"


def test_a_camera_frame_sent_as_an_image_body_is_verified_once(trusted_service: Service) -> None:
    picture = code_of(one_way(signed_credential()))
    assert scan_raw(trusted_service, picture).json()["verdict"] == "VALID"
    again = scan_raw(trusted_service, picture)
    assert again.status_code == 400
    assert again.json()["verdict"] == "NOT VALID"
    assert result(again, "replay")["outcome"] == "failed"


def test_a_browser_gets_the_verdict_page(trusted_service: Service) -> None:
    response = scan_raw(trusted_service, code_of(one_way(signed_credential())), "?lang=fr", **HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == "fr"
    assert response.headers["cache-control"] == "no-store"
    for words in ('data-verdict="VALID"', PARTNER_NAME, "Passeport", "Prénom", "Amina", "Faits attestés"):
        assert words in response.text


def test_scanning_always_judges_trust(verifier_service: Service) -> None:
    response = scan_raw(verifier_service, code_of(one_way(signed_credential())))
    assert response.status_code == 400
    assert response.json()["verdict"] == "CANNOT CONFIRM"
    assert result(response, "trust")["outcome"] == "unknown"


@pytest.mark.parametrize("send", ["query", "form"])
def test_a_challenge_is_honoured_and_spent(tmp_path: Path, send: str) -> None:
    with service(sqlite_url(tmp_path), tmp_path, **trust_settings(tmp_path)) as running:
        nonce = running.challenge()
        picture = code_of(presentation(signed_credential(), challenge=nonce))

        def scan() -> httpx.Response:
            if send == "query":
                return scan_raw(running, picture, f"?challenge={nonce}&domain={DOMAIN}")
            return scan_form(running, picture, challenge=nonce, domain=DOMAIN)

        first = scan()
        assert first.json()["verdict"] == "VALID", first.text
        assert result(first, "challenge")["outcome"] == "passed"
        second = scan()
        assert second.status_code == 400
        assert "already been used" in result(second, "challenge")["reason"]


@pytest.mark.parametrize(
    ("overrides", "query", "kind"),
    [
        ({"mode": Mode.CHALLENGE}, "", "challenge-required"),
        ({}, "?challenge=abc&domain=elsewhere.example", "wrong-domain"),
    ],
)
def test_challenge_refusals(tmp_path: Path, overrides: dict[str, Any], query: str, kind: str) -> None:
    with service(sqlite_url(tmp_path), tmp_path, **overrides) as running:
        picture = code_of(one_way(signed_credential()))
        response = scan_raw(running, picture, query)
        assert response.status_code == 400
        assert response.json()["type"] == TYPES + kind
        page = scan_raw(running, picture, query, **HTML)
        assert page.status_code == 400
        assert f'data-problem="{kind}"' in page.text


def two_codes() -> bytes:
    left, right = (Image.open(io.BytesIO(qr_png(text, scale=6))) for text in ("NV1:AB", "NV1:CD"))
    both = Image.new("L", (left.width + right.width + 60, left.height), 255)
    both.paste(left, (0, 0))
    both.paste(right, (left.width + 60, 0))
    return png(both)


PICTURES = {
    "no-qr-code": lambda: png(Image.new("L", (640, 480), 128)),
    "several-qr-codes": two_codes,
    "not-an-image": lambda: b"\xff\xd8\xff this is not a picture",
    "image-too-large": lambda: png(Image.new("1", (8000, 8000), 1)),
    "not-nansen": lambda: camera_jpeg("HELLO WORLD"),
    "other-version": lambda: camera_jpeg("NV2:ABCDEF"),
    "damaged": lambda: camera_jpeg("NV1:" + "ZZ" * 30),
}


@pytest.mark.parametrize("kind", sorted(PICTURES))
def test_a_picture_that_cannot_be_verified_is_refused_clearly(verifier_service: Service, kind: str) -> None:
    picture = PICTURES[kind]()
    status = 413 if kind == "image-too-large" else 400
    response = scan_form(verifier_service, picture)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == TYPES + kind
    assert response.json()["detail"].endswith(".")
    for lang in ("en", "fr"):
        page = scan_raw(verifier_service, picture, f"?lang={lang}", **HTML)
        assert page.status_code == status
        assert f'data-problem="{kind}"' in page.text
        assert CATALOGUES.entries[lang][f"problem.{kind}"].replace("'", "&#39;") in page.text


@pytest.mark.parametrize(
    ("content", "headers", "status", "type_"),
    [
        (b"", JPEG, 400, TYPES + "no-image"),
        (b"image=", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "about:blank"),
        (b"--x\r\n", {"Content-Type": "multipart/form-data"}, 400, "about:blank"),
    ],
)
def test_a_request_without_a_picture_is_refused(
    verifier_service: Service, content: bytes, headers: dict[str, str], status: int, type_: str
) -> None:
    response = verifier_service.client.post(verifier_service.url + "/scan", content=content, headers=headers)
    assert response.status_code == status
    assert response.json()["type"] == type_


def test_a_form_without_the_image_field_is_refused(verifier_service: Service) -> None:
    response = verifier_service.client.post(
        verifier_service.url + "/scan", files={"other": ("a.txt", b"x", "text/plain")}
    )
    assert response.status_code == 400
    assert response.json()["type"] == TYPES + "no-image"


def test_a_picture_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    with service(sqlite_url(tmp_path), tmp_path, max_image_bytes=20_000) as running:
        small = scan_raw(running, png(Image.new("L", (64, 64), 128)))
        assert small.json()["type"] == TYPES + "no-qr-code"
        large = scan_raw(running, bytes(20_001))
        assert large.status_code == 413
        assert "20,000 bytes" in large.json()["detail"]
        # other routes keep the document limit
        assert (
            running.post("/credentials/verify", {"verifiableCredential": signed_credential()}).status_code
            == 200
        )


def test_every_kind_of_problem_is_in_both_catalogues() -> None:
    kinds = {*PICTURES, "no-image", "challenge-required", "wrong-domain", "other"}
    for entries in CATALOGUES.entries.values():
        assert {f"problem.{kind}" for kind in kinds} <= set(entries)


def test_scan_is_described_in_the_openapi_document(verifier_service: Service) -> None:
    described = verifier_service.client.get(verifier_service.url + "/openapi.json").json()["paths"]["/scan"][
        "post"
    ]
    assert set(described["requestBody"]["content"]) == {"multipart/form-data", "image/*"}
