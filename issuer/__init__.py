"""The partner's issuer service (DESIGN.md §2): FastAPI over SQLite or PostgreSQL.

Partners issue W3C Verifiable Credentials under their own did:web through the VC-API, and revoke
or suspend them through Bitstring Status Lists the service publishes. ``issuer.app.create_app``
builds the application; ``issuer.cli`` is ``nansen issuer``. See issuer/README.md.
"""
