"""A token bucket per partner, kept in the partner's row so that every replica shares it.

The bucket holds at most ``NANSEN_ISSUER_RATE_BURST`` requests and refills at
``NANSEN_ISSUER_RATE_PER_SECOND``. A request takes one token; without one it is refused (429).
"""

from __future__ import annotations

from datetime import datetime

from issuer.models import Partner
from issuer.settings import Settings


def take(partner: Partner, settings: Settings, moment: datetime) -> float | None:
    """Take a token from the (locked) partner's bucket: None, or the seconds until one is there."""
    elapsed = max(0.0, (moment - partner.rate_updated).total_seconds())
    tokens = min(float(settings.rate_burst), partner.rate_tokens + elapsed * settings.rate_per_second)
    if tokens < 1:
        return (1 - tokens) / settings.rate_per_second
    partner.rate_tokens, partner.rate_updated = tokens - 1, moment
    return None
