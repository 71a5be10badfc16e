"""OpenID4VP 1.0 in the verifier service: cross-device presentation requests by reference, answered
by ``direct_post`` and judged by the one pipeline (``docs/openid4vc.md``)."""
