"""The issuer's fixtures, for the console's pages (tests/issuer/conftest.py)."""

from tests.issuer.conftest import database_url, live_server, master_key, settings, store

__all__ = ["database_url", "live_server", "master_key", "settings", "store"]
