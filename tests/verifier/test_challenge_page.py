"""The scan page's challenge (`verifier.pages.challenge`): a short code from the challenge store,
single use and expiring as configured, on SQLite and PostgreSQL; none from a one-way verifier."""

from __future__ import annotations

import json
import re
from pathlib import Path

from nansen.qr.challenge import new_code
from tests.helpers import signed_credential
from tests.verifier.issuing import presentation_at, trust_settings
from tests.verifier.support import DOMAIN, Service, service, sqlite_url
from verifier import Mode, replay
from verifier.db import create_db_engine, session_factory
from verifier.replay import ChallengeState

CODE = re.compile(r'<code id="challenge-code" dir="ltr">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>')


def give(running: Service, lang: str = "en") -> str:
    """The short code the page shows, as issued (without hyphens)."""
    response = running.client.post(f"{running.url}/challenge?lang={lang}")
    assert response.status_code == 200, response.text
    assert "img-src 'self' data:" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert f'<code id="challenge-domain" dir="ltr">{DOMAIN}</code>' in response.text
    assert '<img id="challenge-qr" src="data:image/svg+xml;base64,' in response.text
    found = CODE.search(response.text)
    assert found is not None, response.text
    return found.group(1).replace("-", "")


def paste(running: Service, code: str) -> str:
    """A presentation answering ``code`` pasted into the page: its verdict page."""
    vp = presentation_at(signed_credential(), running.clock(), challenge=code, domain=DOMAIN)
    response = running.client.post(f"{running.url}/verify-page?lang=en", data={"text": json.dumps(vp)})
    return response.text


def test_the_page_gives_a_fresh_stored_code_each_time(database_url: str, tmp_path: Path) -> None:
    with service(database_url, tmp_path, **trust_settings(tmp_path)) as running:
        assert 'action="/challenge?lang=en"' in running.client.get(f"{running.url}/?lang=en").text
        codes = {give(running) for _ in range(5)}
        assert len(codes) == 5
        engine = create_db_engine(database_url)
        try:
            with session_factory(engine)() as session:
                states = {replay.challenge_state(session, code, running.clock()) for code in codes}
        finally:
            engine.dispose()
        assert states == {ChallengeState.USABLE}


def test_a_code_answers_once_and_not_after_it_expires(tmp_path: Path) -> None:
    with service(
        sqlite_url(tmp_path), tmp_path, challenge_ttl_seconds=60, **trust_settings(tmp_path)
    ) as running:
        code = give(running)
        assert 'data-verdict="VALID"' in paste(running, code)
        again = paste(running, code)
        assert 'data-verdict="NOT VALID"' in again
        assert "The challenge has already been used" in again
        late = give(running)
        running.clock.advance(61)
        expired = paste(running, late)
        assert 'data-verdict="NOT VALID"' in expired
        assert "The challenge has expired" in expired
        unknown = paste(running, new_code())
        assert 'data-verdict="NOT VALID"' in unknown
        assert "The challenge was not issued by this verifier" in unknown


def test_a_one_way_verifier_gives_no_challenge(tmp_path: Path) -> None:
    with service(sqlite_url(tmp_path), tmp_path, mode=Mode.ONE_WAY) as running:
        response = running.client.post(f"{running.url}/challenge?lang=fr")
        assert response.status_code == 404
        assert "ne donne pas de défi" in response.text
        assert "challenge-code" not in response.text
        assert 'action="/challenge' not in running.client.get(f"{running.url}/").text  # not offered
