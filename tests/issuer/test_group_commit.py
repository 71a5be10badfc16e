"""The issuer's group commit (`service.groupcommit`), on SQLite and PostgreSQL: the pieces queued
while a transaction runs share the next one and its one commit; a piece that fails is rolled back
alone and its caller alone gets the error; a commit that fails fails every piece, none answered as
done; partners of one batch are locked in one order."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, Select, event, func, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from issuer import audit, issuance, partners, statuslists
from issuer.db import make_engine, session_factory
from issuer.models import AuditEntry, AuditHead, Partner, StatusList
from issuer.settings import Settings
from issuer.vault import Vault
from service.groupcommit import MAX_BATCH, GroupCommit
from service.problems import Problem
from tests.issuer.payloads import issue_request

T = TypeVar("T")


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


def commits_counted(engine: Engine) -> list[int]:
    """A list that grows by one at each COMMIT of a transaction on the engine."""
    counted: list[int] = []
    event.listen(engine, "commit", lambda _connection: counted.append(1))
    return counted


def make_partner(settings: Settings, name: str) -> Callable[[Session], str]:
    def work(session: Session) -> str:
        return partners.create(session, Vault.open(settings), settings, name).partner.id

    return work


def failing_after(work: Callable[[Session], str]) -> Callable[[Session], str]:
    def fail(session: Session) -> str:
        work(session)
        session.flush()  # its rows are written, then the piece fails
        raise Problem(422, "This piece fails after writing.")

    return fail


def names(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(Partner.name)))


def held(commits: GroupCommit, pool: ThreadPoolExecutor) -> tuple[threading.Event, Future[Any]]:
    """A piece that keeps the writer busy until the returned event is set (so that what is submitted
    meanwhile queues for the next transaction)."""
    started, release = threading.Event(), threading.Event()

    def hold(_session: Session) -> None:
        started.set()
        assert release.wait(30)

    blocker = pool.submit(commits.submit, hold)
    assert started.wait(30)
    return release, blocker


def wait_queued(commits: GroupCommit, count: int) -> None:
    deadline = time.monotonic() + 30
    while commits.queued < count:
        assert time.monotonic() < deadline, "the pieces did not queue"
        time.sleep(0.01)


def after_a_failing_piece(
    commits: GroupCommit, failing: Callable[[Session], Any], then: Callable[[Session], T], key: str
) -> T:
    """Queue ``failing`` (which must raise a Problem), then ``then``, into one batch; ``then``'s result."""
    with ThreadPoolExecutor(3) as pool:
        release, blocker = held(commits, pool)
        refused = pool.submit(commits.submit, failing, key)
        after = pool.submit(commits.submit, then, key)
        wait_queued(commits, 2)
        release.set()
        blocker.result(timeout=30)
        with pytest.raises(Problem):
            refused.result(timeout=30)
        return after.result(timeout=30)


def locked_elsewhere(engine: Engine, rows: Select[Any]) -> bool:
    """Whether another connection is refused the rows' lock at once (PostgreSQL: a row lock held)."""
    with engine.connect() as other:
        try:
            other.execute(rows.with_for_update(nowait=True)).all()
        except OperationalError:
            return True
        return False


def test_pieces_queued_meanwhile_share_one_commit(settings: Settings, engine: Engine) -> None:
    commits = GroupCommit(session_factory(engine), lock=partners.lock_all)
    counted = commits_counted(engine)
    with ThreadPoolExecutor(12) as pool:
        release, blocker = held(commits, pool)
        answers = [pool.submit(commits.submit, make_partner(settings, f"Partner {i}")) for i in range(8)]
        wait_queued(commits, 8)
        release.set()
        blocker.result(timeout=30)
        ids = [answer.result(timeout=30) for answer in answers]
    assert len(set(ids)) == 8
    assert names(engine) == {f"Partner {i}" for i in range(8)}
    assert (
        len(counted) == 1
    )  # one for all eight (the blocker's wrote nothing: no commit reached the database)


def test_a_batch_holds_at_most_max_batch_pieces(settings: Settings, engine: Engine) -> None:
    commits = GroupCommit(session_factory(engine))
    counted = commits_counted(engine)
    count = MAX_BATCH + 3
    with ThreadPoolExecutor(count + 1) as pool:
        release, blocker = held(commits, pool)
        answers = [pool.submit(commits.submit, make_partner(settings, f"P{i}")) for i in range(count)]
        wait_queued(commits, count)
        release.set()
        blocker.result(timeout=30)
        for answer in answers:
            answer.result(timeout=30)
    assert len(names(engine)) == count
    assert len(counted) == 2  # a full batch, then the rest (the blocker wrote nothing)


def counted_runs(work: Callable[[Session], str], runs: list[str]) -> Callable[[Session], str]:
    def run(session: Session) -> str:
        result = work(session)
        runs.append(result)
        return result

    return run


def refused_before_writing(session: Session) -> str:
    session.scalar(select(func.count()).select_from(Partner))  # reads, as a piece checking first does
    raise Problem(409, "Refused before writing anything.")


def refused_by_the_database(session: Session) -> str:
    session.execute(text("SELECT * FROM no_such_table"))  # on PostgreSQL, aborts the transaction
    return "not reached"


def refused_at_its_flush(session: Session) -> str:
    """Writes a partner row whose id another has: the database refuses the flush."""
    taken = session.scalars(select(Partner.id).limit(1)).one()
    session.add(
        Partner(
            id=taken,
            name="Copy",
            did="did:example:copy",
            document="{}",
            api_key_hash=b"",
            created_at=datetime.now(UTC),
            rate_tokens=1.0,
            rate_updated=datetime.now(UTC),
        )
    )
    session.flush()
    return "not reached"


@pytest.mark.parametrize("how", ["after writing", "by the database", "at its flush", "before writing"])
def test_a_failing_piece_is_rolled_back_alone(settings: Settings, engine: Engine, how: str) -> None:
    """A piece fails between two others in one batch: it alone is answered with its error, the
    others' writes are committed, once, in one commit. A piece refused before it wrote anything
    costs nothing more; one that wrote (or whose statement the database refused) makes the batch
    run again, each piece in a savepoint, so that only its writes are undone."""
    failing = {
        "after writing": failing_after(make_partner(settings, "Failing")),
        "by the database": refused_by_the_database,
        "at its flush": refused_at_its_flush,
        "before writing": refused_before_writing,
    }[how]
    commits = GroupCommit(session_factory(engine), lock=partners.lock_all)
    counted = commits_counted(engine)
    runs: list[str] = []
    with ThreadPoolExecutor(4) as pool:
        release, blocker = held(commits, pool)
        first = pool.submit(commits.submit, counted_runs(make_partner(settings, "First"), runs))
        refused = pool.submit(commits.submit, failing)
        last = pool.submit(commits.submit, counted_runs(make_partner(settings, "Last"), runs))
        wait_queued(commits, 3)
        release.set()
        blocker.result(timeout=30)
        assert first.result(timeout=30)
        assert last.result(timeout=30)
        with pytest.raises((Problem, DBAPIError)) as error:
            refused.result(timeout=30)
    assert isinstance(error.value, DBAPIError if how in ("by the database", "at its flush") else Problem)
    assert names(engine) == {"First", "Last"}
    assert len(counted) == 1
    # Run again: First twice (its first run rolled back), Last once (it had not run yet).
    assert len(runs) == (2 if how == "before writing" else 3)


def test_a_failed_commit_fails_every_piece_and_keeps_nothing(settings: Settings, engine: Engine) -> None:
    sessions = session_factory(engine)

    class CommitRefused(Exception):
        pass

    def refuse(_session: Session) -> None:
        raise CommitRefused

    event.listen(sessions, "before_commit", refuse)
    commits = GroupCommit(sessions)
    with ThreadPoolExecutor(4) as pool:
        release, blocker = held(commits, pool)
        answers = [pool.submit(commits.submit, make_partner(settings, f"P{i}")) for i in range(3)]
        wait_queued(commits, 3)
        release.set()
        for answer in [blocker, *answers]:
            with pytest.raises(CommitRefused):
                answer.result(timeout=30)
    assert names(engine) == set()
    # The writer ended with its batch: the next piece starts another, and is answered.
    event.remove(sessions, "before_commit", refuse)
    assert commits.submit(make_partner(settings, "After"))
    assert names(engine) == {"After"}


def test_the_partners_of_a_batch_are_locked_in_order_of_id(settings: Settings, engine: Engine) -> None:
    locked: list[list[str]] = []

    def lock(session: Session, keys: list[str]) -> None:
        locked.append(keys)
        partners.lock_all(session, keys)

    commits = GroupCommit(session_factory(engine), lock=lock)
    with ThreadPoolExecutor(5) as pool:
        release, blocker = held(commits, pool)
        answers = [
            pool.submit(commits.submit, make_partner(settings, name), key)
            for name, key in (("C", "c"), ("A", "a"), ("B", "b"), ("A again", "a"))
        ]
        wait_queued(commits, 4)
        release.set()
        blocker.result(timeout=30)
        for answer in answers:
            answer.result(timeout=30)
    assert locked == [["a", "b", "c"]]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Partner)) == 4


def statements(engine: Engine) -> list[str]:
    """The SQL of every statement sent on the engine from now on, as it is sent."""
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, statement, *_: sent.append(statement))
    return sent


def reads(sent: list[str], table: str) -> list[str]:
    """The statements of ``sent`` that read ``table``."""
    return [s for s in sent if s.lstrip().upper().startswith("SELECT") and f"FROM {table}" in s]


def test_a_batch_locks_its_partner_once_for_all_its_pieces(settings: Settings, engine: Engine) -> None:
    """Eight admissions of one partner (each `partners.authenticate`, which locks the row) queued
    together: the batch's transaction locks and loads the row once, and no piece reads it again."""
    commits = GroupCommit(session_factory(engine), lock=partners.lock_all)
    with Session(engine) as session, session.begin():
        created = partners.create(session, Vault.open(settings), settings, "Shelter")
        partner_id, api_key = created.partner.id, created.api_key
    sent = statements(engine)

    def admitted(session: Session) -> str:
        partner = partners.authenticate(session, api_key)
        assert partner is not None
        partner.rate_tokens -= 1  # a write each piece makes, as the admission's bucket does
        return partner.id

    with ThreadPoolExecutor(9) as pool:
        release, blocker = held(commits, pool)
        answers = [pool.submit(commits.submit, admitted, partner_id) for _ in range(8)]
        wait_queued(commits, 8)
        sent.clear()
        release.set()
        blocker.result(timeout=30)
        assert [answer.result(timeout=30) for answer in answers] == [partner_id] * 8
    seen = reads(sent, "issuer_partners")
    assert len(seen) == 1, seen
    if engine.dialect.name == "postgresql":
        assert "FOR UPDATE" in seen[0]
    with Session(engine) as session:
        tokens = session.scalar(select(Partner.rate_tokens).where(Partner.id == partner_id))
    assert tokens == pytest.approx(settings.rate_burst - 8)  # every piece's write, none lost


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_failing_piece_does_not_release_the_batchs_lock(settings: Settings, engine: Engine) -> None:
    """PostgreSQL releases a row lock taken inside a savepoint that is rolled back (SQLite has no row
    locks: its writer holds the whole database). The batch's transaction takes it, so after the
    first piece fails the next still runs under the lock: another transaction cannot lock the row
    meanwhile."""
    commits = GroupCommit(session_factory(engine), lock=partners.lock_all)
    with Session(engine) as session, session.begin():
        partner_id = partners.create(session, Vault.open(settings), settings, "Shelter").partner.id

    def fails(session: Session) -> None:
        assert partners.locked(session, partner_id) is not None
        raise Problem(422, "This piece fails.")

    def others_try_to_lock(session: Session) -> bool:
        assert partners.locked(session, partner_id) is not None
        return not locked_elsewhere(engine, select(Partner.id).where(Partner.id == partner_id))

    assert after_a_failing_piece(commits, fails, others_try_to_lock, partner_id) is False


def test_a_batch_of_issuances_reads_what_it_holds_once(settings: Settings, engine: Engine) -> None:
    """Eight credentials of one partner issued in one batch: the audit chain's head is locked and
    read once, each status list once; each credential's random indexes are checked in one query.
    With PostgreSQL each statement is a round trip the writer waits for (`service.groupcommit`)."""
    vault = Vault.open(settings)
    commits = GroupCommit(session_factory(engine), lock=partners.lock_all)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        caller = partners.create(session, vault, settings, "Shelter").partner
    request = issuance.parse_request(issue_request())
    # One issuance first, so that the lists exist before the batch.
    issuance.issue(commits, vault, settings, caller, request)
    sent = statements(engine)
    with ThreadPoolExecutor(9) as pool:
        release, blocker = held(commits, pool)
        answers = [pool.submit(issuance.issue, commits, vault, settings, caller, request) for _ in range(8)]
        wait_queued(commits, 8)
        sent.clear()
        release.set()
        blocker.result(timeout=30)
        issued = [answer.result(timeout=30).credential for answer in answers]

    assert len(reads(sent, "issuer_audit_head")) == 1
    assert len(reads(sent, "issuer_status_lists")) == 1 * 2  # one per purpose
    assert len(reads(sent, "issuer_status_entries")) == 8  # both purposes' draws in one query
    assert sum(s.lstrip().startswith("INSERT INTO issuer_audit_log") for s in sent) == 8
    indexes = {
        (e["statusListCredential"], e["statusListIndex"]) for c in issued for e in c["credentialStatus"]
    }
    assert len(indexes) == 16  # every index given once
    with Session(engine) as session:
        assert audit.verify(session, vault).intact
        lists = session.scalars(select(StatusList).where(StatusList.partner_id == caller.id)).all()
        assert sorted(row.allocated_count for row in lists) == [9, 9]  # no allocation lost


def test_what_a_failing_piece_remembered_is_forgotten(settings: Settings, engine: Engine) -> None:
    """The first piece of a batch creates the partner's status lists and locks the audit head, then
    fails: its savepoint's rollback removes the lists and its entry and, on PostgreSQL, releases the
    head's lock. The next piece must not use what the first remembered: its credential's lists exist,
    the chain is whole, and the head is locked again until the batch commits."""
    vault = Vault.open(settings)
    commits = GroupCommit(session_factory(engine), lock=partners.lock_all)
    with Session(engine) as session, session.begin():
        partner_id = partners.create(session, vault, settings, "Shelter").partner.id
    request = issuance.parse_request(issue_request())

    def issues(session: Session) -> dict[str, Any]:
        partner = partners.locked_or_gone(session, partner_id)
        moment = datetime.now(UTC).replace(microsecond=0)
        new = issuance.NewCredential(
            f"urn:uuid:{uuid.uuid4()}",
            moment,
            statuslists.PURPOSES,
            request.cryptosuite,
            lambda entries: {**request.credential, "issuer": partner.did, "credentialStatus": entries},
        )
        return issuance.record_and_sign(session, vault, settings, partner, new)[0]

    def issues_then_fails(session: Session) -> None:
        issues(session)
        session.flush()
        raise Problem(422, "This piece fails after issuing.")

    def issues_and_looks(session: Session) -> tuple[dict[str, Any], bool]:
        credential = issues(session)
        session.flush()
        # SQLite has no row locks (its one writer holds the file): only PostgreSQL's can be seen.
        return credential, engine.dialect.name != "postgresql" or locked_elsewhere(
            engine, select(AuditHead.id)
        )

    credential, head_was_locked = after_a_failing_piece(
        commits, issues_then_fails, issues_and_looks, partner_id
    )
    assert head_was_locked
    with Session(engine) as session:
        assert audit.verify(session, vault).intact
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 2  # the partner's, this
        for entry in credential["credentialStatus"]:
            listed = session.get(StatusList, entry["statusListCredential"].rsplit("/", 1)[1])
            assert listed is not None
            assert listed.allocated_count == 1


def test_a_list_filled_within_a_batch_is_followed_by_a_new_one(settings: Settings, engine: Engine) -> None:
    """The revocation list has room for one more: of two issuances in one batch, the first takes
    its last index and the second a new list's, not the list the batch remembered."""
    vault = Vault.open(settings)
    commits = GroupCommit(session_factory(engine), lock=partners.lock_all)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        caller = partners.create(session, vault, settings, "Shelter").partner
    request = issuance.parse_request(issue_request())
    first = issuance.issue(commits, vault, settings, caller, request).credential
    revocation, suspension = (e["statusListCredential"] for e in first["credentialStatus"])
    with engine.begin() as connection:
        connection.execute(
            update(StatusList)
            .where(StatusList.id == revocation.rsplit("/", 1)[1])
            .values(allocated_count=StatusList.length - 1)
        )
    with ThreadPoolExecutor(3) as pool:
        release, blocker = held(commits, pool)
        answers = [pool.submit(issuance.issue, commits, vault, settings, caller, request) for _ in range(2)]
        wait_queued(commits, 2)
        release.set()
        blocker.result(timeout=30)
        lists = [
            [e["statusListCredential"] for e in answer.result(timeout=30).credential["credentialStatus"]]
            for answer in answers
        ]
    assert lists[0] == [revocation, suspension]
    assert lists[1][0] != revocation
    assert lists[1][1] == suspension
    with Session(engine) as session:
        full = session.get_one(StatusList, revocation.rsplit("/", 1)[1])
        assert full.allocated_count == full.length
