"""``nansen ipfs``: content-address files as ``ipfs add --cid-version=1`` does, keep them in the
configured store (the embedded one in ``$NANSEN_DATA_DIR/ipfs``, replicated to the targets the
``NANSEN_IPFS_*`` variables name: :mod:`nansen.ipfs.settings`), move them as CAR files, and see
and catch up where they are pinned (``health``, ``sync``).

Run on its own as ``python -m nansen.cli.ipfs``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from nansen.cli.io import EXIT_REFUSED, fail, print_json
from nansen.errors import NansenError
from nansen.ipfs import CID, cid_of_file
from nansen.ipfs.car import Writable
from nansen.ipfs.importer import Readable
from nansen.ipfs.replication import Placement, ReplicatedStore
from nansen.ipfs.settings import configured_store

app = typer.Typer(
    help="Content-address, store and move files on IPFS, and keep them pinned where configured.",
    no_args_is_help=True,
)

FileArgument = Annotated[str, typer.Argument(help="A file, or - for standard input.")]
CidArgument = Annotated[str, typer.Argument(help="The content's CID (b…, z… or Qm…).")]


@app.command("cid")
def cid(source: FileArgument) -> None:
    """Print the CID that ``ipfs add --cid-version=1`` gives the file; store nothing."""
    with _refusals(), _reading(source, "Hashing") as stream:
        root = cid_of_file(stream)
    typer.echo(str(root))


@app.command("add")
def add(source: FileArgument) -> None:
    """Add the file to the store, pin it, and print its CID (replicas are queued and tried at once)."""
    with _refusals():
        store = configured_store()
        with _reading(source, "Adding") as stream:
            root = store.put(stream)
        report_pending(store, root)
    typer.echo(str(root))


@app.command("cat")
def cat(content: CidArgument) -> None:
    """Write the content's bytes to standard output, each block verified as it is read."""
    with _refusals():
        store, root = configured_store(), CID.parse(content)
        out = typer.get_binary_stream("stdout")
        with _progress(store.stat(root).size, "Reading") as advance:
            for chunk in store.get(root):
                out.write(chunk)
                advance(len(chunk))
        out.flush()


@app.command("export")
def export(
    content: CidArgument,
    out: Annotated[Path, typer.Argument(help="The CAR file to write.")],
) -> None:
    """Write the content's DAG to a CARv1 file (written whole or not at all)."""
    with _refusals():
        store, root = configured_store(), CID.parse(content)
        partial = out.with_name(out.name + ".partial")
        try:
            with partial.open("wb") as handle, _progress(store.stat(root).size, "Exporting") as advance:
                store.export_car(root, _CountingWriter(handle, advance))
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    typer.echo(str(root))


@app.command("import")
def import_car(source: Annotated[str, typer.Argument(help="A CAR file, or - for standard input.")]) -> None:
    """Import the one complete DAG of a CARv1 file, every block verified; pin it and print its CID."""
    with _refusals():
        store = configured_store()
        with _reading(source, "Importing") as stream:
            root = store.import_car(stream)
        report_pending(store, root)
    typer.echo(str(root))


@app.command("health")
def health(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show, for every stored content, where it is pinned, which copies are still queued and for how
    long; then how long the oldest queued copy has waited.

    CIDs are printed here, on your terminal, and nowhere else (no log). Exits 1 when some content is
    not pinned everywhere yet.
    """
    with _refusals():
        store = configured_store()
        report = store.health()
        backlog = store.backlog()
        moment = store.queue.now()
    if as_json:
        print_json(
            [
                {"cid": str(each.cid), "places": [_place_json(place, moment) for place in each.places]}
                for each in report
            ]
        )
    else:
        for each in report:
            typer.echo(str(each.cid))
            for place in each.places:
                typer.echo(f"  {place.target:<10} {_place_text(place, moment)}")
    if backlog.length:
        waited = "not known" if backlog.oldest_seconds is None else duration(backlog.oldest_seconds)
        typer.echo(f"{_copies(backlog.length)} queued; the oldest has waited {waited}.", err=True)
    if not all(each.complete for each in report):
        fail("Some content is not pinned everywhere yet; nansen ipfs sync tries the queued copies again.")


@app.command("sync")
def sync(
    every: Annotated[
        bool, typer.Option("--all", help="Try every queued copy now, not only those whose pause is over.")
    ] = False,
) -> None:
    """Try the queued copies and removals at the replicas again; exits 1 if one failed or any is
    still queued (a script can retry until it exits 0)."""
    with _refusals():
        result = configured_store().sync(early=every)
    typer.echo(f"{result.done} done, {result.failed} failed, {result.left} queued.")
    if result.failed:
        raise typer.Exit(EXIT_REFUSED)
    if result.left:
        fail(
            f"{_copies(result.left)} still queued, waiting for their pause to end or for their target "
            "to be configured; nansen ipfs sync --all tries them now."
        )


def duration(seconds: float) -> str:
    """A wait in the largest whole unit that fits: 45 s, 12 min, 3 h, 2 days."""
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {'day' if unit == 'days' and count == 1 else unit}"
    return f"{int(seconds)} s"


def _copies(count: int) -> str:
    return "1 copy or removal is" if count == 1 else f"{count} copies or removals are"


def report_pending(store: ReplicatedStore, root: CID) -> None:
    """Say on standard error how many copies at replicas are still queued for the content."""
    pending = len(store.pending(root))
    if pending:
        copies = "1 copy" if pending == 1 else f"{pending} copies"
        typer.echo(
            f"Kept in the embedded store; {copies} elsewhere queued for later "
            "(nansen ipfs health shows where, nansen ipfs sync retries).",
            err=True,
        )


def _place_text(place: Placement, moment: float) -> str:
    state = {True: "pinned", False: "not pinned", None: "unknown (cannot be reached)"}[place.pinned]
    if place.job is not None:
        state += f"; {place.job.action} queued"
        waited = place.job.waited(moment)
        if waited is not None:
            state += f" for {duration(waited)}"
        if place.job.attempts:
            state += f", {place.job.attempts} failed attempt(s), last: {place.job.last_error}"
    return state


def _place_json(place: Placement, moment: float) -> dict[str, object]:
    job = place.job
    return {
        "target": place.target,
        "pinned": place.pinned,
        "queued": None
        if job is None
        else {
            "action": job.action,
            "failedAttempts": job.attempts,
            "lastError": job.last_error,
            "waitedSeconds": job.waited(moment),
        },
    }


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """Turn the core's refusals and the system's I/O errors into one sentence and exit code 1."""
    try:
        yield
    except NansenError as error:
        fail(str(error))
    except OSError as error:
        fail(f"A file cannot be read or written: {error.strerror}.")


@contextlib.contextmanager
def _reading(source: str, label: str) -> Iterator[Readable]:
    if source == "-":
        yield typer.get_binary_stream("stdin")
        return
    try:
        with (
            Path(source).open("rb") as handle,
            _progress(os.fstat(handle.fileno()).st_size, label) as advance,
        ):
            yield _CountingReader(handle, advance)
    except OSError as error:
        fail(f"Cannot read {source}: {error.strerror}.")


@contextlib.contextmanager
def _progress(length: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error when it is a terminal; its ``update`` to call with bytes done."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    with typer.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


class _CountingReader:
    def __init__(self, stream: Readable, advance: Callable[[int], None]) -> None:
        self._stream = stream
        self._advance = advance

    def read(self, size: int = -1, /) -> bytes:
        data = self._stream.read(size)
        self._advance(len(data))
        return data


class _CountingWriter:
    def __init__(self, out: Writable, advance: Callable[[int], None]) -> None:
        self._out = out
        self._advance = advance

    def write(self, data: bytes, /) -> object:
        self._advance(len(data))
        return self._out.write(data)
