"""Verification results in the VC-API's shape, with the pipeline's detail alongside."""

from __future__ import annotations

from typing import Any

from nansen.verify import Outcome, VerificationResult


def vc_api(result: VerificationResult) -> dict[str, Any]:
    """``checks`` lists the names of the checks made (as the W3C suites expect); ``results`` has
    each check's outcome and reason; ``errors`` and ``warnings`` include the credentials' own."""
    body = result.to_json()
    body["results"] = body["checks"]
    body["checks"] = [c.name for c in result.checks if c.outcome is not Outcome.NOT_CHECKED]
    if result.credentials:
        credentials = [vc_api(c) for c in result.credentials]
        body["credentials"] = credentials
        for credential in credentials:
            body["errors"] += credential["errors"]
            body["warnings"] += credential["warnings"]
    return body
