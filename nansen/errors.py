"""Errors the core raises. Each message is one sentence a person can act on.

No message may carry personal data: no names, DIDs, CIDs or proof values.
"""


class NansenError(Exception):
    """Base of every error the core raises on bad input or a failed check."""


class ConfigurationError(ValueError):
    """A ``NANSEN_*`` environment variable has a value that cannot be used. Not a `NansenError`:
    it is the operator's to fix, never a verdict on a document, so nothing may report it as one."""


class InvalidInput(NansenError):
    """The input is not well-formed: not JSON, too large, too deep, or of the wrong shape."""


class KeyFormatError(InvalidInput):
    """A key or multibase value cannot be decoded."""


class ContextError(NansenError):
    """A JSON-LD context is not on the allow-list, or is out of place."""


class UndefinedTermError(NansenError):
    """A property or type is not defined by any context, so a signature would not cover it."""


class CanonicalizationLimitExceeded(NansenError):
    """Canonicalisation would exceed its work bound (for instance, a poison graph)."""


class ProofError(NansenError):
    """A proof cannot be created or is malformed."""


class DidResolutionError(NansenError):
    """A DID cannot be resolved."""


class DidDocumentUnavailable(DidResolutionError):
    """A DID document cannot be had now (its host is unreachable, or only a copy too old to rely
    on is held): what it would decide is unknown, not false."""


class StatusListError(NansenError):
    """A status list or status entry is malformed or cannot be used."""
