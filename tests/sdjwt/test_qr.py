"""An SD-JWT presentation in one NV1 QR code: within version 25 at ECC M, and back unchanged."""

from __future__ import annotations

import pytest
import segno

from nansen.qr import QRCodeError, decode_image
from nansen.qr.sdjwt import decode_sd_jwt, encode_sd_jwt, is_sd_jwt
from nansen.sdjwt import present
from nansen.verify import Verdict, Verifier
from tests.sdjwt.support import AUDIENCE, HOLDER, NONCE, NOW, THREE, identity_sd_jwt


def test_a_typical_identity_presentation_of_three_facts_fits_version_25_m(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # As the issuer makes it: a Token Status List reference to /status/{32 hex digits}/token.
    status = {
        "status_list": {"idx": 81234, "uri": "https://issuer.nansen.example/status/" + "7f" * 16 + "/token"}
    }
    text = present(
        identity_sd_jwt(status=status), THREE, HOLDER.jwk, nonce=NONCE, audience=AUDIENCE, issued_at=NOW
    )
    encoded = encode_sd_jwt(text)
    code = segno.make(encoded, error="m", micro=False)
    with capsys.disabled():
        print(
            f"\nSD-JWT+KB {len(text)} characters -> NV1 {len(encoded)} characters: QR version {code.version}-M"
        )
    assert code.mode == "alphanumeric"
    assert code.version <= 25
    assert is_sd_jwt(encoded)
    assert decode_sd_jwt(encoded) == text
    verified = Verifier(clock=lambda: NOW).verify_sd_jwt(
        decode_sd_jwt(encoded), nonce=NONCE, audience=AUDIENCE
    )
    assert verified.verdict is Verdict.CANNOT_CONFIRM  # every check passed but the status: no list given
    assert [c.name for c in verified.credentials[0].checks if c.outcome.value != "passed"] == [
        "status",
        "trust",
    ]


def test_the_code_read_from_an_image_gives_the_presentation_back(tmp_path: object) -> None:
    import io

    text = present(identity_sd_jwt(), THREE, HOLDER.jwk, nonce=NONCE, audience=AUDIENCE, issued_at=NOW)
    image = io.BytesIO()
    segno.make(encode_sd_jwt(text), error="m", micro=False).save(image, kind="png", scale=4)
    assert decode_sd_jwt(decode_image(image.getvalue())) == text


def test_nv1_text_that_is_not_an_sd_jwt_is_refused() -> None:
    from nansen.qr import encode_presentation

    json_code = encode_presentation({"type": ["VerifiablePresentation"]})
    assert not is_sd_jwt(json_code)
    with pytest.raises(QRCodeError):
        decode_sd_jwt(json_code)
    with pytest.raises(QRCodeError):
        decode_sd_jwt("NV1:%%%%")
    with pytest.raises(QRCodeError, match="cannot be put in a QR code"):
        encode_sd_jwt("not an sd-jwt")
