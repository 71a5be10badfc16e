"""The did:web identifiers of partners, and the hosts that serve their documents.

A partner's DID is ``did:web:HOST:partners:ID`` (its document at ``/partners/ID/did.json`` on the
service's public host) or, for a partner with its own domain, ``did:web:DOMAIN`` (its document at
``/.well-known/did.json`` on that domain, which points at this service).
"""

from __future__ import annotations

import re

from nansen.did.web import did_to_url
from nansen.errors import DidResolutionError, InvalidInput

_PORT_SEPARATOR = re.compile("%3A", re.IGNORECASE)


def authority(value: str) -> str:
    """A did:web host in its normal form: lower case, a port as ``%3A8443``.

    Raises InvalidInput when it is not a domain name (IP addresses are not allowed by did:web).
    """
    try:
        did_to_url(f"did:web:{value}")
    except DidResolutionError as cause:
        raise InvalidInput("A did:web host is a domain name, with a port written as %3A if any.") from cause
    if ":" in value:
        raise InvalidInput("A did:web host is a domain name, with a port written as %3A if any.")
    name, *port = _PORT_SEPARATOR.split(value, maxsplit=1)
    return name.lower() + "".join(f"%3A{p}" for p in port)


def authority_from_host_header(host: str) -> str | None:
    """The did:web host that an HTTP ``Host`` header names, or None when it names none."""
    try:
        return authority(host.replace(":", "%3A", 1))
    except InvalidInput:
        return None


def path_did(public_host: str, partner_id: str) -> str:
    """``did:web:HOST:partners:ID``, whose document is served at ``/partners/ID/did.json``."""
    return f"did:web:{public_host}:partners:{partner_id}"


def domain_did(domain: str) -> str:
    """``did:web:DOMAIN``, whose document is served at ``/.well-known/did.json`` on that domain."""
    return f"did:web:{domain}"
