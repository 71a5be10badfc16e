"""``nansen trust``: the governance keeps the trust list of partners (`nansen.trust`).

``add`` and ``remove`` leave the list unsigned: nobody trusts it until ``sign`` signs it again
with the governance key.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from nansen import trust, vcdm
from nansen.cache import write_json_atomically
from nansen.cli.credential import DidDocOption
from nansen.cli.io import fail, load_json_or_fail, load_key, resolver, usage_error
from nansen.errors import NansenError
from nansen.timeutil import parse_datetime
from nansen.verify import Outcome, Verifier

app = typer.Typer(
    help="Keep the network's trust list: the partners and the credential types each may issue.",
    no_args_is_help=True,
)

ListArgument = Annotated[Path, typer.Argument(help="The trust list file (JSON).")]
KeyOption = Annotated[Path, typer.Option("--key", help="The governance key file.")]
ValidDaysOption = Annotated[
    int, typer.Option("--valid-days", min=1, help="Days the signed list stays valid.", show_default=True)
]
#: The checks of the pipeline that say whether a list's signature holds.
_SIGNATURE = ("format", "proof", "issuer key")
#: A list should be signed again well before verifiers stop trusting it.
DEFAULT_VALID_DAYS = 30


def _read(path: Path) -> dict[str, Any]:
    document = load_json_or_fail(str(path))
    if not isinstance(document, dict):
        fail("A trust list must be a JSON object.")
    return document


def _write(path: Path, document: dict[str, Any]) -> None:
    try:
        write_json_atomically(path, document, mode=0o644, indent=2)
    except OSError as error:
        usage_error(f"Cannot write {path}: {error.strerror}.")


def _date(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        fail(f"{option} must be a date-time with a time zone, such as 2026-01-31T00:00:00Z.")


@app.command("init")
def init(
    key: KeyOption,
    out: Annotated[Path, typer.Option("--out", help="Where to write the new trust list.")],
    valid_days: ValidDaysOption = DEFAULT_VALID_DAYS,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Create an empty trust list issued and signed by the governance key."""
    if out.exists() and not force:
        fail(f"{out} exists already; choose another path or pass --force.")
    signer = load_key(key)
    try:
        document = trust.sign(trust.build(signer.controller), signer, valid_for=timedelta(days=valid_days))
    except NansenError as error:
        fail(str(error))
    _write(out, document)
    typer.echo(f"Created an empty trust list, signed, in {out}.")


@app.command("add")
def add(
    list_file: ListArgument,
    did: Annotated[str, typer.Argument(help="The partner's DID.")],
    name: Annotated[str, typer.Option("--name", help="The partner's display name.")],
    types: Annotated[
        list[str],
        typer.Option("--type", metavar="TYPE", help="A credential type the partner may issue. Repeatable."),
    ],
    valid_from: Annotated[
        str | None, typer.Option("--valid-from", help="Trusted from (date-time with a time zone).")
    ] = None,
    valid_until: Annotated[
        str | None, typer.Option("--valid-until", help="Trusted until (date-time with a time zone).")
    ] = None,
) -> None:
    """Add a partner, or replace its entry. The list is then unsigned until signed again."""
    start, end = _date(valid_from, "--valid-from"), _date(valid_until, "--valid-until")
    try:
        edited = trust.add(_read(list_file), trust.TrustedIssuer(did, name, tuple(types), start, end))
    except NansenError as error:
        fail(str(error))
    _write(list_file, edited)
    typer.echo(f"Added {name}. The list is unsigned until you run: nansen trust sign {list_file} --key …")


@app.command("remove")
def remove(list_file: ListArgument, did: Annotated[str, typer.Argument(help="The partner's DID.")]) -> None:
    """Remove a partner. The list is then unsigned until signed again."""
    try:
        edited = trust.remove(_read(list_file), did)
    except NansenError as error:
        fail(str(error))
    _write(list_file, edited)
    typer.echo(f"Removed. The list is unsigned until you run: nansen trust sign {list_file} --key …")


@app.command("sign")
def sign(list_file: ListArgument, key: KeyOption, valid_days: ValidDaysOption = DEFAULT_VALID_DAYS) -> None:
    """Sign the list (again) with the governance key, replacing any old signature."""
    signer = load_key(key)
    try:
        signed = trust.sign(_read(list_file), signer, valid_for=timedelta(days=valid_days))
    except NansenError as error:
        fail(str(error))
    _write(list_file, signed)
    typer.echo(f"Signed {list_file}; valid until {signed['validUntil']}.")


@app.command("show")
def show(list_file: ListArgument, did_doc: DidDocOption = None) -> None:
    """Show the partners on the list and whether its signature verifies."""
    document = _read(list_file)
    try:
        listed = trust.entries(document)
    except NansenError as error:
        fail(str(error))
    rows = [("NAME", "DID", "TYPES", "TRUSTED")] + [
        (i.name, i.id, ", ".join(i.credential_types), _period(i.valid_from, i.valid_until)) for i in listed
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        typer.echo(
            "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[3]])
        )
    typer.echo(f"{len(listed)} partner(s). Issued by {vcdm.issuer_id(document)}; {_list_period(document)}.")
    typer.echo(f"Signature: {_signature(document, did_doc or [])}")


def _period(start: datetime | None, end: datetime | None) -> str:
    if start is None and end is None:
        return "always"
    since = f"from {start.date().isoformat()}" if start else ""
    until = f"until {end.date().isoformat()}" if end else ""
    return " ".join(part for part in (since, until) if part)


def _list_period(document: dict[str, Any]) -> str:
    until = document.get("validUntil")
    return f"valid until {until}" if until else "no expiry"


def _signature(document: dict[str, Any], did_docs: list[Path]) -> str:
    if "proof" not in document:
        return "unsigned: nobody trusts this list until it is signed (nansen trust sign)."
    result = Verifier(resolver=resolver(did_docs)).verify_credential(document, check_status=False)
    failed = next(
        (c for c in result.checks if c.name in _SIGNATURE and c.outcome is not Outcome.PASSED), None
    )
    return "valid." if failed is None else f"does not verify. {failed.reason}"
