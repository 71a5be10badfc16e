"""Reading input and reporting errors the way every sub-command does: one sentence, no traceback."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer

from nansen import jsonutil
from nansen.config import configured_limits
from nansen.did.resolver import Resolver
from nansen.did.web_resolver import WebResolver
from nansen.errors import ConfigurationError, InvalidInput, NansenError
from nansen.keys import SigningKey
from nansen.sdjwt import looks_like_sd_jwt
from nansen.verify import StaticStatusLists, VerificationResult, Verifier

#: Exit codes: 0 success; 1 refused (a check failed, the input says something not accepted);
#: 2 usage error, as Click's own: a bad option, or an input file that cannot be read or is not
#: JSON (missing, a directory, empty, duplicate keys, a number too long, nested too deeply).
EXIT_REFUSED = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_REFUSED) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def usage_error(message: str) -> NoReturn:
    fail(message, EXIT_USAGE)


_Settings = TypeVar("_Settings")


def configured(read: Callable[[], _Settings]) -> _Settings:
    """The settings ``read`` returns; a ``NANSEN_*`` variable it cannot use is a usage error: one
    line naming the variable, exit 2 (the core's and the roles' settings alike)."""
    try:
        return read()
    except ConfigurationError as error:
        usage_error(str(error))


def read_bytes(source: str) -> bytes:
    """The bytes of FILE, or of standard input for ``-``, bounded by the document size limit."""
    limit = configured_limits().max_document_bytes
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
    """The JSON of FILE (or standard input); one that cannot be read or parsed is a usage error."""
    try:
        return read_json(source)
    except NansenError as error:
        usage_error(str(error))


def load_key(path: Path) -> SigningKey:
    try:
        return SigningKey.read(path)
    except NansenError as error:
        usage_error(str(error))


def load_identified(paths: list[Path], what: str) -> list[dict[str, Any]]:
    """The JSON objects of ``--did-doc`` or ``--status-list`` files, each with a string ``id``."""
    documents = [load_json_or_fail(str(path)) for path in paths]
    for document in documents:
        if not (isinstance(document, dict) and isinstance(document.get("id"), str)):
            usage_error(f"A {what} file must hold one JSON object with an 'id'.")
    return documents


def resolver(did_docs: list[Path]) -> Resolver:
    """did:key locally; did:web from ``--did-doc`` files first, else over HTTPS with a cache."""
    documents = load_identified(did_docs, "--did-doc")
    try:
        return Resolver(documents=documents, web=WebResolver())
    except NansenError as error:
        usage_error(f"A --did-doc file is not a usable DID document: {error}")


def offline_status_lists(paths: list[Path]) -> StaticStatusLists:
    return StaticStatusLists(load_identified(paths, "--status-list"))


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def report_verification(
    kind: str,
    source: str,
    did_docs: list[Path],
    status_lists: list[Path],
    verify: Callable[[Verifier, Any], VerificationResult],
    verify_sd_jwt: Callable[[Verifier, str], VerificationResult] | None = None,
) -> None:
    """Read the input, verify it, print the report as JSON; exit 1 unless it verified (2 when the
    input or an offline file cannot be read as JSON). An input shaped as an SD-JWT (compact, with
    ``~``) goes to ``verify_sd_jwt`` when one is given: the same pipeline, the same report."""
    verifier = Verifier(resolver=resolver(did_docs), status_lists=offline_status_lists(status_lists))
    try:
        data = read_bytes(source)
    except NansenError as error:
        usage_error(str(error))
    text = data.decode("utf-8", errors="replace")
    if verify_sd_jwt is not None and looks_like_sd_jwt(text):
        result = verify_sd_jwt(verifier, text.strip())
    else:
        try:
            document = jsonutil.parse(data)
        except NansenError as error:
            usage_error(str(error))
        try:
            result = verify(verifier, document)
        except NansenError as error:
            result = VerificationResult.malformed(kind, str(error))
    print_json(result.to_json())
    if not result.verified:
        raise typer.Exit(EXIT_REFUSED)
