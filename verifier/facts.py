"""What a page may show of a verified credential, whatever its format: its facts, its issuer, and
(for an SD-JWT VC) the facts its holder chose not to disclose.

A Data Integrity credential's facts are read from its signed RDF graph by IRI (`nansen.facts`); an
SD-JWT VC's from its disclosed claims by name (`nansen.sdjwt.identity.identity_facts`, SD-JWT VC
§3.2). Which reader applies is said by the pipeline's result (``sd_jwt``), never guessed from the
document's shape.
"""

from __future__ import annotations

from typing import Any

from nansen import vcdm
from nansen.errors import NansenError
from nansen.facts import IdentityFacts, read_facts
from nansen.sdjwt.identity import disclosable_claims, identity_facts
from nansen.verify import VerificationResult


def facts_of(result: VerificationResult) -> IdentityFacts:
    """The facts of the credential a result is about (call only once its proof has verified)."""
    document = result.document or {}
    return identity_facts(document) if result.sd_jwt else read_facts(document)


def issuer_of(result: VerificationResult) -> str:
    """The issuer's identifier (``iss`` of an SD-JWT VC, ``issuer`` of a Data Integrity credential)."""
    document = result.document or {}
    if result.sd_jwt:
        issuer = document.get("iss")
        return issuer if isinstance(issuer, str) else ""
    try:
        return vcdm.issuer_id(document)
    except NansenError:
        return ""


def undisclosed_of(result: VerificationResult) -> tuple[str, ...]:
    """The facts the type of an SD-JWT VC knows of that this presentation did not disclose (names
    only; RFC 9901 §5.2.5): none for a Data Integrity credential, which discloses everything."""
    document: dict[str, Any] = result.document or {}
    if not result.sd_jwt:
        return ()
    vct = document.get("vct")
    known = disclosable_claims(vct) if isinstance(vct, str) else ()
    return tuple(name for name in known if name not in document)


def names_status(result: VerificationResult) -> bool:
    """Whether the credential names a status list (``credentialStatus``, or an SD-JWT VC's ``status``)."""
    document = result.document or {}
    return bool(document.get("status") if result.sd_jwt else document.get("credentialStatus"))
