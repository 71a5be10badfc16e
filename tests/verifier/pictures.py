"""Pictures of a QR code as a camera sees it (a code on a phone's screen, in a grey room): as a JPEG,
and as a YUV4MPEG2 video for Chromium's fake camera (``--use-file-for-fake-video-capture``); and
where the browser tests keep their screenshots."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from PIL import Image, ImageFilter

from nansen.qr import qr_png

#: 720p, as a laptop's camera or a phone's gives it; both sides even, as 4:2:0 needs.
FRAME_SIZE = (1280, 720)
GREY = 110


def camera_frame(text: str, size: tuple[int, int] = FRAME_SIZE) -> Image.Image:
    """The QR code of ``text`` (with its white quiet zone) filling most of the frame's height,
    on a grey background, slightly blurred, in shades of grey."""
    code = Image.open(io.BytesIO(qr_png(text, scale=1, border=4))).convert("L")
    scale = max(2, int(min(size) * 0.9) // code.width)
    code = code.resize((code.width * scale, code.height * scale), Image.Resampling.NEAREST)
    frame = Image.new("L", size, GREY)
    frame.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    return frame.filter(ImageFilter.GaussianBlur(0.8))


def camera_jpeg(text: str, quality: int = 80) -> bytes:
    out = io.BytesIO()
    camera_frame(text).save(out, "JPEG", quality=quality)
    return out.getvalue()


def write_y4m(picture: Image.Image, path: Path, frames: int = 5) -> Path:
    """A YUV4MPEG2 video (4:2:0, 10 frames a second) showing a grey picture for ``frames`` frames:
    luma is the picture, chroma the neutral 128."""
    width, height = picture.size
    luma = picture.convert("L").tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2) * 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma)
    return path


def artifacts() -> Path:
    """Where test artefacts go: ``$NANSEN_TEST_ARTIFACTS``, or ``<tmp>/nansen-test-artifacts``."""
    directory = Path(
        os.environ.get("NANSEN_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "nansen-test-artifacts"
    )
    directory.mkdir(parents=True, exist_ok=True)
    return directory
