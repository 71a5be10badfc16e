"""The web wallet's host (issue #14, WEBWALLET-PROTOCOL.md): serves the app (``wallet/web/dist``)
and keeps, per account, an opaque identifier, three verifiers of login keys and the encrypted
wallet file; pins backups in its IPFS store. It never receives a passphrase, a key or a credential
in clear. `create_app(Settings.from_env())` is the application; ``nansen wallet serve`` runs it.
"""

from wallet.host.app import create_app
from wallet.host.settings import Settings

__all__ = ["Settings", "create_app"]
