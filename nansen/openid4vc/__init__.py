"""OpenID for Verifiable Credential Issuance 1.0: what the issuer and the wallet share.

The credential offer (`offer`), the proof of possession a wallet sends (`proof`), and the names
both sides use (`names`). The issuer's endpoints are in ``issuer/openid4vci``, the wallet's client
in ``wallet/openid4vci.py``.
"""
