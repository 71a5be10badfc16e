"""QR images: PNG and SVG rendering, reading back with zxing-cpp, versions, and refusals."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from nansen.qr import (
    QRCodeError,
    decode_image,
    decode_presentation,
    encode_presentation,
    qr_png,
    qr_svg,
    qr_version,
)
from nansen.qr.image import MAX_IMAGE_BYTES
from tests.qr.builders import realistic_presentation

SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022"]


def png_bytes(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("suite", SUITES)
def test_png_round_trip_through_zxing(suite: str) -> None:
    vp = realistic_presentation(suite)
    text = encode_presentation(vp)
    png = qr_png(text)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert decode_image(png) == text
    assert decode_presentation(decode_image(png)) == vp


def test_decode_image_reads_a_path(tmp_path: Path) -> None:
    text = encode_presentation(realistic_presentation())
    path = tmp_path / "code.png"
    path.write_bytes(qr_png(text))
    assert decode_image(path) == text
    assert decode_image(str(path)) == text


def test_a_photo_like_picture_is_read() -> None:
    """Grey on a light background, shrunk, rotated a little and saved as JPEG."""
    text = encode_presentation(realistic_presentation())
    code = Image.open(io.BytesIO(qr_png(text, scale=6))).convert("L")
    scene = Image.new("L", (code.width + 200, code.height + 200), 230)
    scene.paste(code.point(lambda v: 40 if v < 128 else 220), (100, 100))
    scene = scene.rotate(7, fillcolor=230, expand=True).resize((700, 700))
    out = io.BytesIO()
    scene.convert("RGB").save(out, format="JPEG", quality=90)
    assert decode_image(out.getvalue()) == text


def test_svg_is_xml_with_the_module_grid() -> None:
    text = encode_presentation(realistic_presentation())
    svg = qr_svg(text)
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    size = (4 * qr_version(text) + 17 + 2 * 4) * 4  # modules, quiet zone, scale
    assert (root.get("width"), root.get("height")) == (str(size), str(size))


def test_png_has_the_size_of_its_version() -> None:
    text = encode_presentation(realistic_presentation())
    with Image.open(io.BytesIO(qr_png(text, scale=2, border=4))) as picture:
        assert picture.size == ((4 * qr_version(text) + 17 + 8) * 2,) * 2


@pytest.mark.parametrize(
    ("length", "version"), [(1, 1), (20, 1), (21, 2), (970, 20), (971, 21), (1451, 25), (1452, 26)]
)
def test_versions_at_level_m(length: int, version: int) -> None:
    assert qr_version("A" * length) == version


@pytest.mark.parametrize("render", [qr_version, qr_png, qr_svg])
def test_text_outside_alphanumeric_mode_is_refused(render: object) -> None:
    with pytest.raises(QRCodeError, match="alphanumeric mode cannot hold"):
        render("nv1:lowercase")  # type: ignore[operator]


@pytest.mark.parametrize("render", [qr_version, qr_png, qr_svg])
def test_text_too_large_for_a_code_is_refused(render: object) -> None:
    with pytest.raises(QRCodeError, match="too large for one QR code"):
        render("A" * 3392)  # type: ignore[operator]


def test_an_image_without_a_code_is_refused() -> None:
    with pytest.raises(QRCodeError, match="no QR code"):
        decode_image(png_bytes(Image.new("L", (200, 200), 255)))


def test_an_image_with_two_codes_is_refused() -> None:
    first = Image.open(io.BytesIO(qr_png("NV1:FIRST"))).convert("L")
    second = Image.open(io.BytesIO(qr_png("NV1:SECOND"))).convert("L")
    both = Image.new("L", (first.width + second.width + 40, max(first.height, second.height)), 255)
    both.paste(first, (0, 0))
    both.paste(second, (first.width + 40, 0))
    with pytest.raises(QRCodeError, match="more than one QR code"):
        decode_image(png_bytes(both))


@pytest.mark.parametrize("data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
def test_data_that_is_not_an_image_is_refused(data: bytes) -> None:
    with pytest.raises(QRCodeError, match="cannot be read as a picture"):
        decode_image(data)


def test_a_truncated_image_is_refused() -> None:
    png = qr_png("NV1:ABC", scale=8)
    with pytest.raises(QRCodeError, match="cannot be read as a picture"):
        decode_image(png[: len(png) // 2])


def test_an_image_with_too_many_pixels_is_refused() -> None:
    with pytest.raises(QRCodeError, match="more than 50,000,000 pixels"):
        decode_image(png_bytes(Image.new("1", (8000, 6300))))


def test_an_image_file_too_large_is_refused(tmp_path: Path) -> None:
    with pytest.raises(QRCodeError, match="larger than 32 MiB"):
        decode_image(b"\x00" * (MAX_IMAGE_BYTES + 1))
    path = tmp_path / "large.png"
    with path.open("wb") as file:
        file.truncate(MAX_IMAGE_BYTES + 1)
    with pytest.raises(QRCodeError, match="larger than 32 MiB"):
        decode_image(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(QRCodeError, match="cannot be read"):
        decode_image(tmp_path / "missing.png")


def test_errors_name_their_kind() -> None:
    """Programs act on the kind (a camera keeps scanning after no-qr-code), never on the wording."""
    import io

    from PIL import Image

    from nansen.qr import QRCodeError, decode_image, decode_presentation

    blank = io.BytesIO()
    Image.new("L", (64, 64), 255).save(blank, format="PNG")
    cases = [
        (lambda: decode_image(blank.getvalue()), "no-qr-code"),
        (lambda: decode_image(b"not a picture"), "not-an-image"),
        (lambda: decode_presentation("HC1:ABC"), "not-nansen"),
        (lambda: decode_presentation("NV9:ABC"), "other-version"),
        (lambda: decode_presentation("NV1:%%%"), "damaged"),
    ]
    for call, kind in cases:
        with pytest.raises(QRCodeError) as raised:
            call()
        assert raised.value.kind == kind
