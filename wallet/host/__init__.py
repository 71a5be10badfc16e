"""The web wallet's host (issue #14, WEBWALLET-PROTOCOL.md): serves the app (``wallet/web/dist``)
and keeps, per account, an opaque identifier, three verifiers of login keys and the encrypted
wallet file; pins backups in its IPFS store. It never receives a passphrase, a key or a credential
in clear. ``wallet.host.app.create_app(Settings.from_env())`` is the application and ``nansen
wallet serve`` runs it. This package imports nothing itself, so that the other ``nansen wallet``
commands do not load the service.
"""
