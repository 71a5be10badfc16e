"""A deployment's look (``NANSEN_THEME_DIR``): the organisation's name, logo, colours, support contact
and default language, checked once at start-up and applied to every page the service serves.

The folder holds ``theme.toml`` and the logo file it names::

    name = "Harbour Legal Aid"          # shown in every page's header; any name, or a neutral one
    logo = "logo.svg"                   # optional: a PNG or SVG in this folder
    support = "help@harbour.example"    # optional: shown at the foot of every page
    default_language = "fr"             # optional: when neither the person nor the browser chooses

    [colours]                           # optional: each "#rrggbb"
    background = "#ffffff"              # the page
    text = "#1a1a1a"                    # text on the page
    accent = "#1d4e89"                  # links, buttons, the header's rule
    accent_text = "#ffffff"             # text on buttons

A theme is refused, with one sentence naming what is wrong, when:

- a colour pair a person reads (text on background, accent on background, accent text on accent)
  has a contrast ratio under 4.5:1 (WCAG 2.2, success criterion 1.4.3, level AA; the ratio and the
  relative luminance as WCAG 2.2 defines them);
- the logo is not a PNG or an SVG, is larger than :data:`MAX_LOGO_BYTES` or
  :data:`MAX_LOGO_PIXELS` a side, lies outside the folder (``..``, an absolute path, a link), or
  is an SVG that could act: any element outside a small list of drawing elements (so no
  ``script``, ``foreignObject``, ``image``, ``iframe``), any event handler (``on…``), any reference
  outside the file (``href`` other than ``#id``, ``url(…)`` other than ``url(#id)``), a DTD or
  entity (parsed with defusedxml, which refuses them).

The page's colours reach the pages as CSS custom properties in a stylesheet the service serves
(``/theme/theme.css``), never inline, so the strict Content-Security-Policy stays ``style-src 'self'``.
The verdict's colours and symbols are not part of a theme: VALID, NOT VALID and CANNOT CONFIRM look
the same at every shelter.
"""

from __future__ import annotations

import io
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image, UnidentifiedImageError

from nansen.errors import ConfigurationError

VARIABLE: Final = "NANSEN_THEME_DIR"
FILE: Final = "theme.toml"
#: The largest logo file accepted.
MAX_LOGO_BYTES: Final = 256 * 1024
#: The largest logo side accepted, in pixels (PNG).
MAX_LOGO_PIXELS: Final = 1024
#: WCAG 2.2 §1.4.3 (AA): the least contrast ratio of normal text.
MIN_CONTRAST: Final = 4.5

PNG: Final = "image/png"
SVG: Final = "image/svg+xml"
_HEX: Final = re.compile(r"#[0-9a-fA-F]{6}")
_SVG_NS: Final = "{http://www.w3.org/2000/svg}"
_XLINK_NS: Final = "{http://www.w3.org/1999/xlink}"
#: Drawing elements only: nothing that runs, embeds or fetches.
_SVG_ELEMENTS: Final = frozenset(
    {
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
        "tspan", "title", "desc", "defs", "linearGradient", "radialGradient", "stop", "clipPath",
        "mask", "symbol", "use", "metadata",
    }
)  # fmt: skip
_URL: Final = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)

#: The colours of a deployment without a theme (the project's own).
DEFAULT_COLOURS: Final = {
    "background": "#ffffff",
    "text": "#1a1a1a",
    "accent": "#1d4e89",
    "accent_text": "#ffffff",
}
#: The pairs a person reads: (foreground, background).
PAIRS: Final = (("text", "background"), ("accent", "background"), ("accent_text", "accent"))


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of an sRGB ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.2's contrast ratio (L1 + 0.05) / (L2 + 0.05), from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class Logo:
    content: bytes
    media_type: str


@dataclass(frozen=True)
class Theme:
    """What a deployment shows of itself; :data:`NEUTRAL` when no theme is set."""

    name: str | None = None
    support: str | None = None
    default_language: str | None = None
    colours: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_COLOURS))
    logo: Logo | None = None

    def stylesheet(self) -> str:
        """The theme's colours as CSS custom properties (served, never inline)."""
        lines = [f"  --theme-{name.replace('_', '-')}: {value};" for name, value in self.colours.items()]
        return ":root {\n" + "\n".join(lines) + "\n}\n"


NEUTRAL: Final = Theme()


def _refuse(detail: str) -> ConfigurationError:
    return ConfigurationError(f"{VARIABLE}: {detail}")


def _text(table: Mapping[str, Any], key: str, limit: int = 200) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise _refuse(f"{FILE}'s {key} must be text of 1 to {limit} characters.")
    return value.strip()


def _colours(table: Any) -> dict[str, str]:
    if table is None:
        return dict(DEFAULT_COLOURS)
    if not isinstance(table, dict):
        raise _refuse(f"{FILE}'s colours must be a table ([colours]).")
    unknown = sorted(set(table) - set(DEFAULT_COLOURS))
    if unknown:
        raise _refuse(
            f"{FILE}'s colours has unknown names ({', '.join(unknown)}); known: {', '.join(DEFAULT_COLOURS)}."
        )
    colours = {**DEFAULT_COLOURS, **table}
    for name, value in colours.items():
        if not isinstance(value, str) or not _HEX.fullmatch(value):
            raise _refuse(f"the colour {name} must be written #rrggbb.")
    for foreground, background in PAIRS:
        ratio = contrast_ratio(colours[foreground], colours[background])
        if ratio < MIN_CONTRAST:
            raise _refuse(
                f"{foreground} {colours[foreground]} on {background} {colours[background]} has a contrast "
                f"of {ratio:.2f}:1, under the {MIN_CONTRAST}:1 that WCAG AA requires; choose colours further apart."
            )
    return {name: value.lower() for name, value in colours.items()}


def _inside(directory: Path, name: str) -> Path:
    """The logo's path, refused unless it is a file inside the theme's folder (no ``..``, no link out)."""
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise _refuse(f"the logo must be a file inside the theme's folder, not {name!r}.")
    path = directory / name
    resolved = path.resolve()
    if not resolved.is_relative_to(directory.resolve()) or path.is_symlink():
        raise _refuse(f"the logo must be a file inside the theme's folder, not {name!r}.")
    if not resolved.is_file():
        raise _refuse(f"the logo {name!r} is not a file in the theme's folder.")
    return resolved


def _png(content: bytes) -> Logo:
    try:
        with Image.open(io.BytesIO(content), formats=["PNG"]) as picture:
            width, height = picture.size
            if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
                raise _refuse(f"the logo is {width} by {height} pixels; at most {MAX_LOGO_PIXELS} a side.")
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise _refuse("the logo is not a PNG picture that can be read.") from error
    return Logo(content, PNG)


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_svg_element(element: Element) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.startswith("{") and not tag.startswith(_SVG_NS):
        raise _refuse(f"the SVG logo holds an element from another vocabulary ({_local_name(tag)}).")
    if _local_name(tag) not in _SVG_ELEMENTS:
        raise _refuse(f"the SVG logo holds a {_local_name(tag)} element; only drawing elements are allowed.")
    for attribute, value in element.attrib.items():
        name = _local_name(attribute).lower()
        if name.startswith("on"):
            raise _refuse(f"the SVG logo has an event handler ({name}); a logo must not run anything.")
        if (name == "href" or attribute.startswith(_XLINK_NS)) and not value.strip().startswith("#"):
            raise _refuse("the SVG logo refers to something outside itself (href); only #id is allowed.")
        for target in _URL.findall(value):
            if not target.startswith("#"):
                raise _refuse(
                    "the SVG logo refers to something outside itself (url()); only url(#id) is allowed."
                )
    if element.text and _local_name(tag) not in {"text", "tspan", "title", "desc"} and "url(" in element.text:
        raise _refuse("the SVG logo refers to something outside itself (url()).")


def _svg(content: bytes) -> Logo:
    try:
        root = fromstring(content)
    except DefusedXmlException as error:
        raise _refuse("the SVG logo declares a DTD or entities; a logo must not.") from error
    except Exception as error:  # ElementTree.ParseError and expat's own errors
        raise _refuse("the SVG logo is not well-formed XML.") from error
    if root.tag != _SVG_NS + "svg":
        raise _refuse("the logo's root element is not an SVG <svg> element.")
    for element in root.iter():
        _check_svg_element(element)
    return Logo(content, SVG)


def read_logo(directory: Path, name: str) -> Logo:
    """The logo named in the theme file, refused unless it is a bounded, inert PNG or SVG."""
    path = _inside(directory, name)
    if path.stat().st_size > MAX_LOGO_BYTES:
        raise _refuse(f"the logo is {path.stat().st_size:,} bytes; at most {MAX_LOGO_BYTES:,}.")
    content = path.read_bytes()[: MAX_LOGO_BYTES + 1]
    if len(content) > MAX_LOGO_BYTES:
        raise _refuse(f"the logo is larger than {MAX_LOGO_BYTES:,} bytes.")
    suffix = path.suffix.lower()
    if suffix == ".png":
        return _png(content)
    if suffix == ".svg":
        return _svg(content)
    raise _refuse(f"the logo must be a .png or .svg file, not {path.suffix or 'a file without a suffix'}.")


def load(directory: Path) -> Theme:
    """The theme in ``directory``, checked (see the module); ConfigurationError names the fault."""
    path = directory / FILE
    if not path.is_file():
        raise _refuse(f"there is no {FILE} in {directory}.")
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise _refuse(f"{FILE} is not valid TOML ({error}).") from error
    unknown = sorted(set(table) - {"name", "logo", "support", "default_language", "colours"})
    if unknown:
        raise _refuse(f"{FILE} has unknown settings: {', '.join(unknown)}.")
    logo_name = _text(table, "logo", 255)
    language = _text(table, "default_language", 35)
    if language is not None and not re.fullmatch(r"[a-z]{2,3}", language):
        raise _refuse(f"{FILE}'s default_language must be a language tag such as fr, not {language!r}.")
    return Theme(
        name=_text(table, "name"),
        support=_text(table, "support"),
        default_language=language,
        colours=_colours(table.get("colours")),
        logo=read_logo(directory, logo_name) if logo_name else None,
    )


def from_env(environ: Mapping[str, str]) -> Theme:
    """The theme ``NANSEN_THEME_DIR`` names, or the neutral one when it is unset or empty."""
    value = environ.get(VARIABLE, "").strip()
    return load(Path(value)) if value else NEUTRAL
