"""Nansen's holder wallet (DESIGN.md §1 steps 4, 5, 9, 10): keys, credentials and document keys
encrypted at rest behind a passphrase, presentations for QR codes, backups to IPFS, recovery by
passphrase or guardians, a duress wallet, and forgetting.

    with Wallet.create(directory, passphrase) as wallet:
        wallet.did                                         # the holder's did:key
    with Wallet.open(directory, passphrase) as wallet:
        wallet.receive(Issuance.from_json(answer), verifier, store)
        vp = wallet.present(wallet.state.credentials[0].id, challenge=c, domain=d)
        cid = wallet.backup(store, passphrase)
        shares = wallet.guardian_shares(2, 3)
    with Wallet.recover(new_directory, backup_bytes, passphrase=p, shares=shares[:2]) as wallet: ...

The modules, one job each: :mod:`wallet.kdf` (Argon2id, BLAKE2b subkeys), :mod:`wallet.aead`,
:mod:`wallet.payload`, :mod:`wallet.header`, :mod:`wallet.container` (the wallet file),
:mod:`wallet.atomic`, :mod:`wallet.state`, :mod:`wallet.identity` (DIDs from the master secret),
:mod:`wallet.receive`, :mod:`wallet.present`, :mod:`wallet.trustcheck`, :mod:`wallet.backup`,
:mod:`wallet.guardians` (SLIP-0039), :mod:`wallet.store`, :mod:`wallet.wallet`, and the command
line, :mod:`wallet.cli`. README.md says what is guaranteed, and what is not.
"""

from nansen.capability import DOCUMENT_ACCESS
from wallet.errors import (
    BackupDamaged,
    BackupLocked,
    BackupNotFound,
    CredentialRefused,
    DocumentUnavailable,
    GuardianShareError,
    NoWallet,
    UnknownCredential,
    WalletDamaged,
    WalletError,
    WalletExists,
    WalletFull,
    WeakPassphrase,
    WrongPassphrase,
)
from wallet.receive import Issuance, Received
from wallet.state import HeldCredential, HeldDocument
from wallet.wallet import Forgotten, Wallet

__all__ = [
    "DOCUMENT_ACCESS",
    "BackupDamaged",
    "BackupLocked",
    "BackupNotFound",
    "CredentialRefused",
    "DocumentUnavailable",
    "Forgotten",
    "GuardianShareError",
    "HeldCredential",
    "HeldDocument",
    "Issuance",
    "NoWallet",
    "Received",
    "UnknownCredential",
    "Wallet",
    "WalletDamaged",
    "WalletError",
    "WalletExists",
    "WalletFull",
    "WeakPassphrase",
    "WrongPassphrase",
]
