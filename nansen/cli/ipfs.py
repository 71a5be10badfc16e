"""``nansen ipfs``: content-address files as ``ipfs add --cid-version=1`` does, keep them in the
embedded store (``$NANSEN_DATA_DIR/ipfs``), and move them as CAR files.

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

from nansen.cli.io import fail
from nansen.errors import NansenError
from nansen.ipfs import CID, EmbeddedStore, cid_of_file
from nansen.ipfs.car import Writable
from nansen.ipfs.importer import Readable

app = typer.Typer(
    help="Content-address, store and move files on IPFS (the embedded store in the data directory).",
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
    """Add the file to the embedded store, pin it, and print its CID."""
    with _refusals(), _reading(source, "Adding") as stream:
        root = EmbeddedStore().put(stream)
    typer.echo(str(root))


@app.command("cat")
def cat(content: CidArgument) -> None:
    """Write the content's bytes to standard output, each block verified as it is read."""
    with _refusals():
        store, root = EmbeddedStore(), CID.parse(content)
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
        store, root = EmbeddedStore(), CID.parse(content)
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
    with _refusals(), _reading(source, "Importing") as stream:
        root = EmbeddedStore().import_car(stream)
    typer.echo(str(root))


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
