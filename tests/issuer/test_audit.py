"""The audit chain: every issuance, status change and key event; tampering and deletion are found."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from issuer import audit, keyring
from issuer.db import session_factory
from issuer.models import AuditEntry
from issuer.settings import Settings
from issuer.vault import Vault
from tests.issuer.conftest import PartnerInfo, add_partner
from tests.issuer.payloads import PERSONAL, issue_request
from tests.issuer.test_isolation import status_change


@pytest.fixture
def partner(settings: Settings) -> PartnerInfo:
    return add_partner(settings, "NGO")


@pytest.fixture
def busy(client: TestClient, settings: Settings, engine: Engine, partner: PartnerInfo) -> None:
    """A partner that issued twice, revoked, suspended, reinstated and rotated its key."""
    first = client.post("/credentials/issue", json=issue_request(), headers=partner.headers).json()
    client.post("/credentials/issue", json=issue_request(), headers=partner.headers)
    for purpose, status in [("revocation", True), ("suspension", True), ("suspension", False)]:
        client.post(
            "/credentials/status", json=status_change(first["id"], purpose, status), headers=partner.headers
        )
    with session_factory(engine)() as session, session.begin():
        keyring.rotate_key(session, Vault.open(settings), settings, partner.id)


def report(settings: Settings, engine: Engine) -> audit.ChainReport:
    with session_factory(engine)() as session, session.begin():
        return audit.verify(session, Vault.open(settings))


def entries(engine: Engine) -> list[AuditEntry]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def unprotect(engine: Engine) -> None:
    """What an attacker with the database's owner rights would do first: drop the triggers."""
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER issuer_audit_log_no_update"))
            connection.execute(text("DROP TRIGGER issuer_audit_log_no_delete"))
        else:
            connection.execute(text("DROP TRIGGER issuer_audit_log_append_only ON issuer_audit_log"))


@pytest.mark.usefixtures("busy")
def test_every_event_is_recorded(engine: Engine, partner: PartnerInfo) -> None:
    recorded = [(e.partner_id, e.action) for e in entries(engine)]
    assert recorded == [
        (partner.id, "partner.created"),
        (partner.id, "credential.issued"),
        (partner.id, "credential.issued"),
        (partner.id, "credential.revoked"),
        (partner.id, "credential.suspended"),
        (partner.id, "credential.reinstated"),
        (partner.id, "key.rotated"),
    ]


@pytest.mark.usefixtures("busy")
def test_no_personal_data_in_the_log(engine: Engine, partner: PartnerInfo) -> None:
    text_of_log = " ".join(f"{e.partner_id} {e.action} {e.target}" for e in entries(engine))
    assert not any(fact in text_of_log for fact in PERSONAL)
    assert partner.did not in text_of_log


@pytest.mark.usefixtures("busy")
def test_intact_chain_verifies(settings: Settings, engine: Engine) -> None:
    result = report(settings, engine)
    assert result.intact
    assert result.entries == 7


@pytest.mark.usefixtures("busy")
def test_database_refuses_update_and_delete(engine: Engine) -> None:
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("UPDATE issuer_audit_log SET action = 'credential.issued' WHERE seq = 4"))
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("DELETE FROM issuer_audit_log WHERE seq = 4"))


@pytest.mark.usefixtures("busy")
def test_tampered_entry_is_named(settings: Settings, engine: Engine) -> None:
    unprotect(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE issuer_audit_log SET action = 'credential.issued' WHERE seq = 4"))
    result = report(settings, engine)
    assert result.broken_at == 4
    assert result.reason == "Entry 4 has been altered."


@pytest.mark.usefixtures("busy")
def test_rehashed_entry_is_still_found(settings: Settings, engine: Engine) -> None:
    """Recomputing a plain SHA-256 would not hide a change: the chain is keyed by the master key."""
    unprotect(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE issuer_audit_log SET partner_id = 'someone' WHERE seq = 3"))
    assert report(settings, engine).broken_at == 3


@pytest.mark.usefixtures("busy")
def test_deleted_entry_is_named(settings: Settings, engine: Engine) -> None:
    unprotect(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM issuer_audit_log WHERE seq = 5"))
    result = report(settings, engine)
    assert result.broken_at == 5
    assert result.reason == "Entry 5 is missing."


@pytest.mark.usefixtures("busy")
def test_deleted_last_entry_is_named(settings: Settings, engine: Engine) -> None:
    unprotect(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM issuer_audit_log WHERE seq = 7"))
    assert report(settings, engine).broken_at == 7


def test_other_master_key_breaks_the_chain(settings: Settings, engine: Engine) -> None:
    add_partner(settings)
    with session_factory(engine)() as session, session.begin():
        assert not audit.verify(session, Vault(b"\x00" * 32)).intact
