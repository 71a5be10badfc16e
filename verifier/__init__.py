"""Nansen's verifier service: the W3C VC-API verifier endpoints, single-use challenges, pages.

`create_app(Settings.from_env())` is the application; ``nansen verifier serve`` runs it.
"""

from verifier.app import create_app
from verifier.settings import Mode, Settings

__all__ = ["Mode", "Settings", "create_app"]
