"""Reading input and reporting errors the way every sub-command does: one sentence, no traceback."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import typer

from nansen import jsonutil
from nansen.config import Limits
from nansen.did.resolver import Resolver
from nansen.did.web_resolver import WebResolver
from nansen.errors import InvalidInput, NansenError
from nansen.keys import SigningKey
from nansen.verify import StaticStatusLists, VerificationResult, Verifier

#: Exit codes: 0 success, 1 refused (bad input, failed verification), 2 usage error (Click's).
EXIT_REFUSED = 1


def fail(message: str) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(EXIT_REFUSED)


def read_bytes(source: str) -> bytes:
    """The bytes of FILE, or of standard input for ``-``, bounded by the document size limit."""
    limit = Limits().max_document_bytes
    if source == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        try:
            with Path(source).open("rb") as handle:
                data = handle.read(limit + 1)
        except OSError as error:
            raise InvalidInput(f"Cannot read {source}: {error.strerror}.") from error
    return data


def read_json(source: str) -> Any:
    return jsonutil.parse(read_bytes(source))


def load_json_or_fail(source: str) -> Any:
    try:
        return read_json(source)
    except NansenError as error:
        fail(str(error))


def load_key(path: Path) -> SigningKey:
    try:
        return SigningKey.read(path)
    except NansenError as error:
        fail(str(error))


def resolver(did_docs: list[Path]) -> Resolver:
    """did:key locally; did:web from ``--did-doc`` files first, else over HTTPS with a cache."""
    return Resolver(documents=[load_json_or_fail(str(p)) for p in did_docs], web=WebResolver())


def offline_status_lists(paths: list[Path]) -> StaticStatusLists:
    return StaticStatusLists(load_json_or_fail(str(p)) for p in paths)


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def report_verification(
    kind: str,
    source: str,
    did_docs: list[Path],
    status_lists: list[Path],
    verify: Callable[[Verifier, Any], VerificationResult],
) -> None:
    """Read the input, verify it, print the report as JSON; exit 1 unless it verified."""
    verifier = Verifier(resolver=resolver(did_docs), status_lists=offline_status_lists(status_lists))
    try:
        result = verify(verifier, read_json(source))
    except NansenError as error:
        result = VerificationResult.malformed(kind, str(error))
    print_json(result.to_json())
    if not result.verified:
        raise typer.Exit(EXIT_REFUSED)
