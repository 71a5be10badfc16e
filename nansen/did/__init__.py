"""Decentralized identifiers: did:key for holders, did:web for partners."""

from nansen.did.document import DidDocument, VerificationMethod
from nansen.did.resolver import Resolver

__all__ = ["DidDocument", "Resolver", "VerificationMethod"]
