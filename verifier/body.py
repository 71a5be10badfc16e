"""The VC-API's request bodies: JSON media types only (else 415), parsed within the core's bounds
(`service.bodies`, which also bounds every body's size before it is read)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from service.bodies import JSON_TYPES, media_type, parse_body
from service.problems import Problem
from verifier.dependencies import get_settings
from verifier.settings import Settings

FORM_TYPE = "application/x-www-form-urlencoded"


async def json_body(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> Any:
    """The request's JSON, parsed within the limits; 415 for another media type, 400 if malformed."""
    if media_type(request) not in JSON_TYPES:
        raise Problem(415, "The request body must be JSON (Content-Type: application/json).")
    return await parse_body(await request.body(), settings.limits)
