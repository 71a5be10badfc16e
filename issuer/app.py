"""The partner's issuer service: ``create_app(settings)`` gives the FastAPI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from issuer import console, partners, readiness
from issuer.api import credentials, documents, public
from issuer.console.pages import UPLOAD_PATH
from issuer.db import make_engine, session_factory
from issuer.openid4vci import api as openid4vci
from issuer.settings import Settings
from issuer.vault import Vault
from nansen import apidocs
from service import cors, dbfaults, problems
from service.access import AccessLog
from service.bodies import BodyLimit
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

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Nansen issuer",
        summary="Partners issue, revoke and suspend W3C Verifiable Credentials (VC-API).",
        version="0.1.0",
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN; apidocs serves it offline
        redoc_url=None,
        lifespan=lifespan,
    )
    apidocs.install(app)
    app.state.settings = settings
    app.state.vault = Vault.open(settings)
    app.state.sessions = session_factory(engine)
    app.state.commits = GroupCommit(app.state.sessions, lock=partners.lock_all)
    problems.install(app, invalid_parameters=422)
    dbfaults.install(app, engine)
    app.include_router(credentials.router)
    app.include_router(documents.router)
    app.include_router(public.router)
    openid4vci.install(app)
    console.install(app, settings.theme)
    app.add_middleware(
        BodyLimit,
        limit=settings.limits.max_document_bytes,
        larger={path: settings.max_upload_bytes for path in UPLOAD_PATHS},
    )
    app.add_middleware(problems.CatchAll)
    app.add_middleware(AccessLog, name="issuer.access")
    readiness.install(app, engine, app.state.sessions, app.state.vault)  # /healthz, /readyz, /metrics
    cors.install(app, settings.cors_origins, WALLET_PATHS, headers=["Authorization", "Content-Type"])
    return app
