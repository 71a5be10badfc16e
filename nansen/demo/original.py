"""Opening a shared original through the verifier's pages, as a shelter worker does in a browser.

``POST /scan`` (``Accept: text/html``) answers with the verdict page; when the presentation is
VALID and carries the holder's capability, the page holds a form with a single-use ticket. Posting
that form to ``/document`` answers with the original document's page: the scan as a ``data:``
image, after the verifier fetched it by its CID, decrypted it and checked its digest.
"""

from __future__ import annotations

import base64
import binascii
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from nansen.demo.cast import Cast
from nansen.demo.roles import DemoError


class _Page(HTMLParser):
    """The few things the demo reads from a page: its verdict, its form's fields, its images."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.verdict: str | None = None
        self.fields: dict[str, str] = {}
        self.images: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.verdict = attributes.get("data-verdict", self.verdict)
        if tag == "input" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value", "")
        elif tag == "img" and attributes.get("src", "").startswith("data:"):
            self.images.append(attributes["src"])


def open_original(cast: Cast, picture: Path, challenge: dict[str, Any]) -> bytes:
    """Scan ``picture`` on the verdict page, press its button to open the original, then press it
    again; `DemoError` if the verdict is not VALID, if no original is shown, or if the second press
    is not refused (the ticket is single-use)."""
    verdict = _Page(cast.scan(picture, challenge, html=True).text)
    if verdict.verdict != "VALID" or "ticket" not in verdict.fields:
        said = verdict.verdict or "nothing"
        raise DemoError(f"The shelter's verdict page said {said} and offered no original.")
    form = {"ticket": verdict.fields["ticket"], "text": verdict.fields.get("text", "")}
    shown = cast.open_document(form)
    page = _Page(shown.text)
    if shown.status_code != 200 or len(page.images) != 1:
        raise DemoError(f"The shelter could not open the original (HTTP {shown.status_code}).")
    if cast.open_document(form).status_code != 410:
        raise DemoError("The shelter could open the original a second time with the same ticket.")
    return _data(page.images[0])


def _data(uri: str) -> bytes:
    try:
        return base64.b64decode(uri.split(",", 1)[1], validate=True)
    except (IndexError, binascii.Error) as error:
        raise DemoError("The original document's page holds no readable picture.") from error
