"""OpenID4VCI 1.0 in the issuer service: credential offers with a pre-authorised code and a PIN,
the token, nonce and credential endpoints, and the metadata a wallet reads first.

Each partner is its own credential issuer, ``https://HOST/openid4vci/PARTNER``: a wallet sees the
partner's name, proofs are addressed to that partner, and a code or token made for one partner's
offer is unknown at every other partner's endpoints. See ``docs/openid4vc.md``.
"""
