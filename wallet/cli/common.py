"""What every ``nansen wallet`` command shares: the wallet directory, passphrases, errors, stores.

| variable | default | meaning |
|---|---|---|
| ``NANSEN_WALLET_DIR`` | ``$NANSEN_DATA_DIR/wallet`` | the wallet directory (``--wallet DIR``) |
| ``NANSEN_WALLET_PASSPHRASE`` | prompt | the wallet's passphrase (for a new wallet too) |
| ``NANSEN_WALLET_DURESS_PASSPHRASE`` | prompt | the duress passphrase, when one is being set |
| ``NANSEN_WALLET_KDF`` | ``moderate`` | Argon2id cost of new wallets and backups (:mod:`wallet.kdf`) |
| ``NANSEN_WALLET_TRUST_LIST`` | none | the governance's trust list (file or HTTPS URL), to check verifiers |
| ``NANSEN_WALLET_GOVERNANCE_DID`` | none | the DID that must have signed it |

The ``NANSEN_IPFS_*`` variables choose the document store (:func:`nansen.ipfs.configured_store`).
"""

from __future__ import annotations

import contextlib
import getpass
import os
import tempfile
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from nansen.cli.io import fail
from nansen.config import data_dir
from nansen.did.resolver import Resolver
from nansen.did.web_resolver import WebResolver
from nansen.errors import NansenError
from nansen.ipfs import Store
from nansen.trust import TrustListSource
from wallet.store import default_store
from wallet.wallet import Wallet, check_new_passphrase

PHRASE_VARIABLE = "NANSEN_WALLET_PASSPHRASE"
DURESS_VARIABLE = "NANSEN_WALLET_DURESS_PASSPHRASE"
#: What is missing is the person's to give (as click's own usage errors).
EXIT_USAGE = 2


def default_directory() -> Path:
    return data_dir() / "wallet"


WalletOption = Annotated[
    Path | None,
    typer.Option(
        "--wallet",
        metavar="DIR",
        envvar="NANSEN_WALLET_DIR",
        help="The wallet directory (default: NANSEN_DATA_DIR/wallet).",
        show_default=False,
    ),
]


def directory_of(option: Path | None) -> Path:
    return option if option is not None else default_directory()


def refuse(error: NansenError) -> NoReturn:
    fail(str(error))


def passphrase(*, new: bool = False) -> str:
    """The wallet's passphrase, from NANSEN_WALLET_PASSPHRASE or a hidden prompt."""
    return _secret(PHRASE_VARIABLE, "New passphrase" if new else "Passphrase", new)


def duress_passphrase() -> str:
    return _secret(DURESS_VARIABLE, "Duress passphrase (opens a decoy wallet)", True)


def _secret(variable: str, prompt: str, new: bool) -> str:
    value = os.environ.get(variable)
    if value is None:
        value = _prompt_hidden(variable, prompt, new)
    if new:
        try:
            check_new_passphrase(value)
        except NansenError as error:
            refuse(error)
    return value


def _prompt_hidden(variable: str, prompt: str, new: bool) -> str:
    """Ask on the terminal. Without one, getpass would warn (naming its own file), read standard
    input with echo and end in "Aborted."; instead, say which variable to set."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=new))
        except getpass.GetPassWarning:
            typer.echo(f"Error: No terminal to ask for the passphrase on: set {variable}.", err=True)
            raise typer.Exit(EXIT_USAGE) from None


@contextlib.contextmanager
def opened(option: Path | None, secret: str | None = None) -> Iterator[Wallet]:
    """The wallet the passphrase opens; any wallet error ends the command in one sentence."""
    try:
        with Wallet.open(directory_of(option), secret if secret is not None else passphrase()) as wallet:
            yield wallet
    except NansenError as error:
        refuse(error)


def store() -> Store:
    try:
        return default_store()
    except NansenError as error:
        refuse(error)


def trust_source() -> TrustListSource | None:
    """The trust list NANSEN_WALLET_TRUST_LIST names (signed by NANSEN_WALLET_GOVERNANCE_DID)."""
    location = os.environ.get("NANSEN_WALLET_TRUST_LIST", "").strip()
    if not location:
        return None
    governance = os.environ.get("NANSEN_WALLET_GOVERNANCE_DID", "").strip()
    if not governance:
        fail("NANSEN_WALLET_TRUST_LIST is set but NANSEN_WALLET_GOVERNANCE_DID is not.")
    try:
        return TrustListSource(location, governance)
    except NansenError as error:
        refuse(error)


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A private temporary directory for what is fetched (DID documents, status lists), removed
    afterwards: nothing on disk outside the wallet tells which partners or verifiers it met."""
    with tempfile.TemporaryDirectory(prefix="nansen-wallet-") as directory:
        yield Path(directory)


def resolver(directory: Path, documents: Sequence[Mapping[str, Any]] = ()) -> Resolver:
    """did:key locally; did:web from the documents given, else over HTTPS (cached in ``directory``)."""
    return Resolver(documents=documents, web=WebResolver(directory / "did-web"))
