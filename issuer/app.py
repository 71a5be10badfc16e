"""The partner's issuer service: ``create_app(settings)`` gives the FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from issuer import console, partners, readiness
from issuer.api import credentials, documents, public
from issuer.console.pages import UPLOAD_PATH
from issuer.db import make_engine, session_factory
from issuer.openid4vci import api as openid4vci
from issuer.settings import Settings
from issuer.vault import Vault
from service import cors
from service.application import service_app
from service.groupcommit import GroupCommit

#: What a browser wallet calls (docs/openid4vc.md): the metadata (both forms), the token, nonce and
#: credential endpoints, the partners' did:web documents (the web wallet checks the issuer's key
#: before keeping a credential) and the status lists (public documents: the web wallet checks
#: revocation and suspension, W3C Bitstring Status List v1.0 §3.2, and the IETF token form); never
#: the partner's offers, the console or the VC-API.
WALLET_PATHS = (
    r"/\.well-known/(openid-credential-issuer|oauth-authorization-server)/openid4vci/[^/]+"
    r"|/openid4vci/[^/]+/(\.well-known/(openid-credential-issuer|oauth-authorization-server)|token|nonce|credential)"
    r"|/partners/[^/]+/did\.json|/\.well-known/did\.json"
    r"|/status/[^/]+(/token)?"
)

#: The routes that take a scan, and so have the larger body limit.
UPLOAD_PATHS = ("/documents", UPLOAD_PATH)


def create_app(settings: Settings) -> FastAPI:
    """The service over the database that ``settings`` names (already migrated)."""
    engine = make_engine(settings.database_url)
    app = service_app(
        title="Nansen issuer",
        summary="Partners issue, revoke and suspend W3C Verifiable Credentials (VC-API).",
        engine=engine,
        body_limit=settings.limits.max_document_bytes,
        larger_bodies={path: settings.max_upload_bytes for path in UPLOAD_PATHS},
        invalid_parameters=422,
        access_log="issuer.access",
    )
    app.state.settings = settings
    app.state.vault = Vault.open(settings)
    app.state.sessions = session_factory(engine)
    app.state.commits = GroupCommit(app.state.sessions, lock=partners.lock_all)
    app.include_router(credentials.router)
    app.include_router(documents.router)
    app.include_router(public.router)
    openid4vci.install(app)
    console.install(app, settings.theme)
    readiness.install(app, engine, app.state.sessions, app.state.vault)  # /healthz, /readyz, /metrics
    cors.install(app, settings.cors_origins, WALLET_PATHS, headers=["Authorization", "Content-Type"])
    return app
