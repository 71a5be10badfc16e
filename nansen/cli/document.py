"""``nansen document``: encrypt a document for its holder into the IPFS store, and decrypt it from
there (DESIGN.md §1 steps 2 and 7).

The ciphertext goes to the configured store (:func:`nansen.ipfs.settings.configured_store`: the
embedded store, replicated as the ``NANSEN_IPFS_*`` variables say) and is named by its CID; reading
it back checks every block against its CID, then the decryption authenticates every chunk and the
digest is checked against the credential's ``digestMultibase``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from nansen import jsonutil
from nansen.cli.credential import DidDocOption
from nansen.cli.io import fail, load_key, print_json, read_bytes, resolver, usage_error
from nansen.cli.ipfs import report_pending
from nansen.crypto import (
    CHUNK_SIZE,
    BlockReader,
    Decryption,
    DocumentKey,
    Encryption,
    Recipient,
    SealedKey,
    open_sealed,
    seal,
)
from nansen.errors import NansenError
from nansen.ipfs import CID
from nansen.ipfs.settings import configured_store

app = typer.Typer(
    help="Encrypt identity documents for their holders, and decrypt them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

#: Inputs from this size on show a progress bar (on a terminal).
PROGRESS_FROM = 4 * 1024 * 1024

ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")]


def with_progress(
    chunks: Iterable[bytes], total: int | None, description: str, console: Console | None = None
) -> Iterator[bytes]:
    """Pass the chunks through, advancing a progress bar on standard error for large inputs."""
    console = console or Console(stderr=True)
    if total is None or total < PROGRESS_FROM or not console.is_terminal:
        yield from chunks
        return
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=total)
        for chunk in chunks:
            yield chunk
            progress.advance(task, len(chunk))


@contextmanager
def _read(source: str, description: str) -> Iterator[Iterable[bytes]]:
    """The bytes of a file (or of standard input for ``-``), one chunk at a time."""
    if source == "-":
        yield with_progress(iter(partial(sys.stdin.buffer.read, CHUNK_SIZE), b""), None, description)
        return
    try:
        handle = Path(source).open("rb")  # noqa: SIM115 - closed below, after the caller is done
    except OSError as error:
        usage_error(f"Cannot read the input file: {error.strerror}.")
    with handle:
        size = os.fstat(handle.fileno()).st_size
        yield with_progress(iter(partial(handle.read, CHUNK_SIZE), b""), size, description)


def _refuse_existing(out: Path, force: bool) -> None:
    if out.exists() and not force:
        fail("The output file exists already; choose another path or pass --force.")


def _write(out: Path, chunks: Iterable[bytes]) -> int:
    """Write the chunks to a file readable by its owner only (mode 0600) that appears only when
    complete: a failure midway (a damaged ciphertext, a full disk) leaves nothing behind."""
    try:
        fd, part = tempfile.mkstemp(dir=out.parent, prefix=".nansen-", suffix=".part")
    except OSError as error:
        usage_error(f"Cannot write the output file: {error.strerror}.")
    written = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                written += len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, out)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise
    return written


def _recipients(dids: list[str], did_docs: list[Path]) -> list[Recipient]:
    lookup = resolver(did_docs)
    recipients = []
    for position, did in enumerate(dids, start=1):
        try:
            recipients.append(Recipient.from_did(did, lookup))
        except NansenError as error:
            fail(f"Recipient {position} cannot be used: {error}")
    return recipients


def _sealed_keys(value: str) -> list[SealedKey]:
    """Sealed keys given inline as JSON, or in a file (``-`` for standard input): one record, a list
    of them, or the output of ``nansen document encrypt``."""
    try:
        data: Any = jsonutil.parse(value if value.lstrip()[:1] in ("{", "[") else read_bytes(value))
    except NansenError as error:
        usage_error(str(error))
    try:
        if isinstance(data, dict) and "sealedKeys" in data:
            data = data["sealedKeys"]
        records = [SealedKey.from_json(item) for item in (data if isinstance(data, list) else [data])]
    except NansenError as error:
        fail(str(error))
    if not records:
        fail("No sealed key was given.")
    return records


@app.command("encrypt")
def encrypt(
    source: Annotated[str, typer.Argument(help="The document (a scan), or - for standard input.")],
    to: Annotated[
        list[str],
        typer.Option(
            "--to",
            metavar="DID",
            help="A recipient's DID: the holder, and any escrow or guardian. Repeatable.",
        ),
    ],
    did_doc: DidDocOption = None,
) -> None:
    """Encrypt a document under a fresh key sealed to each recipient, and keep the ciphertext in the store.

    Prints JSON: the ciphertext's CID, the plaintext's digestMultibase (for the credential's
    relatedResource), the sealed keys (one per recipient) and the ciphertext's length. The CID is
    printed only once the ciphertext is durable and pinned in the embedded store.
    """
    recipients = _recipients(to, did_doc or [])
    try:
        store = configured_store()
        with DocumentKey.generate() as key, _read(source, "Encrypting") as plaintext:
            sealed = seal(key, recipients)
            encryption = Encryption(plaintext, key)
            cid = store.put(BlockReader(encryption))
        report_pending(store, cid)
    except NansenError as error:
        fail(str(error))
    except OSError as error:
        fail(f"Cannot encrypt the document: {error.strerror}.")
    print_json(
        {
            "cid": str(cid),
            "digestMultibase": encryption.digest_multibase,
            "sealedKeys": [record.to_json() for record in sealed],
            "ciphertextBytes": encryption.ciphertext_bytes,
        }
    )


@app.command("decrypt")
def decrypt(
    key: Annotated[Path, typer.Option("--key", help="The recipient's key file.")],
    cid: Annotated[str, typer.Option("--cid", help="The encrypted document's CID (b…, z… or Qm…).")],
    sealed_key: Annotated[
        str,
        typer.Option(
            "--sealed-key",
            help="A sealed key as JSON, or a file holding one, a list of them or the output of encrypt.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write the document (mode 0600).")],
    digest: Annotated[
        str | None,
        typer.Option("--digest", help="The digestMultibase the credential carries; the document must match."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Fetch the encrypted document from the store (every block checked against its CID), open the
    sealed key with the recipient's key and decrypt it.

    The output file appears only when the whole document has decrypted, is intact and matches
    ``--digest``. Prints JSON: the document's digestMultibase and length.
    """
    _refuse_existing(out, force)
    signer = load_key(key)
    records = _sealed_keys(sealed_key)
    try:
        root = CID.parse(cid)
        store = configured_store()
        ciphertext = with_progress(store.get(root), store.stat(root).size, "Decrypting")
        with open_sealed(records, signer.key_pair) as document_key:
            decryption = Decryption(ciphertext, document_key, expected_digest=digest)
            _write(out, decryption)
    except NansenError as error:
        fail(str(error))
    except OSError as error:
        fail(f"Cannot decrypt the document: {error.strerror}.")
    print_json({"digestMultibase": decryption.digest_multibase, "plaintextBytes": decryption.plaintext_bytes})
