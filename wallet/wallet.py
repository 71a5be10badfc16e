"""An open wallet: one slot of the wallet file, the key that opened it, and what it holds.

Every way in holds the directory's lock until the ``with`` block ends, so two commands never
interleave a read and a write::

    with Wallet.create(directory, passphrase) as wallet: ...      # a new, empty directory
    with Wallet.open(directory, passphrase) as wallet: ...        # the wallet or the duress wallet
    with Wallet.recover(directory, backup_bytes, passphrase=…, shares=…) as wallet: ...

Changes are written at once (:meth:`Wallet.save`, crash-safe: :mod:`wallet.atomic`).
"""

from __future__ import annotations

import contextlib
import os
import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from nansen import vcdm
from nansen.crypto import BlockReader, Decryption, DocumentKey, Recipient
from nansen.ipfs import CID, IpfsError, Store
from nansen.proofs import DEFAULT_SUITE
from nansen.verify import Verifier
from wallet import backup, guardians, identity, sdjwt
from wallet import store as stores
from wallet.atomic import locked
from wallet.container import FILE_NAME, NO_WALLET, SLOTS, WalletFile
from wallet.errors import (
    CredentialRefused,
    DocumentUnavailable,
    NoWallet,
    UnknownCredential,
    WalletError,
    WalletExists,
    WeakPassphrase,
    WrongPassphrase,
)
from wallet.identity import Identities
from wallet.kdf import Argon2Cost, configured_cost, likely_costs
from wallet.present import document_access, presentation
from wallet.receive import Issuance, Received, accept
from wallet.state import MASTER_SIZE, HeldCredential, HeldDocument, HeldSdJwt, WalletState

MIN_PASSPHRASE: Final = 8
#: A local identifier may be shortened to this many characters, if no other credential shares them.
MIN_PREFIX: Final = 4


@dataclass(frozen=True)
class Forgotten:
    removed: int
    #: The backup made without the forgotten keys (None if the wallet had none, or it failed).
    backup: CID | None
    #: Why no new backup could be made, when the wallet had backups.
    backup_error: str | None = None
    #: Earlier backups unpinned and deleted from this device's store (they held the forgotten keys).
    backups_destroyed: int = 0
    #: Encrypted documents this wallet had pinned, unpinned and deleted from this device's store.
    documents_destroyed: int = 0


def check_new_passphrase(passphrase: str) -> None:
    if len(unicodedata.normalize("NFC", passphrase)) < MIN_PASSPHRASE:
        raise WeakPassphrase(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters.")


class Wallet:
    def __init__(self, directory: Path, file: WalletFile, slot: int, key: bytes, state: WalletState) -> None:
        self.directory = directory
        self._file = file
        self._slot = slot
        self._key = key
        self.state = state

    # -- ways in

    @classmethod
    @contextlib.contextmanager
    def create(cls, directory: Path, passphrase: str, cost: Argon2Cost | None = None) -> Iterator[Wallet]:
        """A new wallet with a fresh master secret, in an empty (or new) directory."""
        check_new_passphrase(passphrase)
        own, reserved = _slots()
        state = WalletState(master=os.urandom(MASTER_SIZE), reserved=reserved)
        with _empty_directory(directory):
            yield cls._new(directory, WalletFile.new(cost or configured_cost()), passphrase, own, state)

    @classmethod
    @contextlib.contextmanager
    def open(cls, directory: Path, passphrase: str) -> Iterator[Wallet]:
        """The wallet the passphrase opens: always one Argon2id run and every slot tried."""
        if not directory.is_dir():
            raise NoWallet(NO_WALLET)
        with locked(directory):
            file = WalletFile.read(directory)
            opened = file.open(file.header.key_for(passphrase))
            if opened is None:
                raise WrongPassphrase("The passphrase does not open the wallet here.")
            yield cls(directory, file, opened.slot, opened.key, WalletState.from_json(opened.state))

    @classmethod
    @contextlib.contextmanager
    def recover(
        cls, directory: Path, data: bytes, *, passphrase: str, shares: Sequence[str] = ()
    ) -> Iterator[Wallet]:
        """The wallet a backup holds, in an empty (or new) directory. With ``shares`` the backup is
        opened by the guardians' shares and ``passphrase`` is the new wallet's; without, the
        passphrase opens the backup and the new wallet alike."""
        own, reserved = _slots()
        if shares:
            check_new_passphrase(passphrase)
            master = guardians.combine(shares)
            state = WalletState.from_portable(
                backup.open_with_master(data, identity.backup_key(master)), reserved
            )
            if state.master != master:
                raise WalletError("The backup belongs to another wallet than these guardian shares.")
        else:
            state = WalletState.from_portable(
                backup.open_with_passphrase(data, passphrase, likely_costs()), reserved
            )
        with _empty_directory(directory):
            yield cls._new(directory, WalletFile.new(configured_cost()), passphrase, own, state)

    @classmethod
    def _new(
        cls, directory: Path, file: WalletFile, passphrase: str, slot: int, state: WalletState
    ) -> Wallet:
        wallet = cls(directory, file, slot, file.header.key_for(passphrase), state)
        wallet.save()
        return wallet

    def save(self) -> None:
        self._file = self._file.with_slot(self._slot, self._key, self.state.to_json())
        self._file.write(self.directory)

    # -- identity

    @property
    def identities(self) -> Identities:
        return Identities(self.state.master, self.state.partners)

    @property
    def did(self) -> str:
        return self.identities.holder.controller

    def partner_did(self, label: str) -> str:
        """The DID kept for one partner (made, and saved, the first time it is asked for)."""
        label = label.strip()
        if not label:
            raise WalletError("A partner's label must not be empty.")
        if label not in self.state.partners:
            self.state.partners.append(label)
            self.save()
        return self.identities.partners[label].controller

    # -- credentials

    def find(self, ident: str) -> HeldCredential:
        """The credential with this local id (or a prefix of at least 4 characters) or credential id."""
        ident = ident.strip()
        exact = [c for c in self.state.credentials if ident in (c.id, c.credential.get("id"))]
        found = exact or (
            [c for c in self.state.credentials if c.id.startswith(ident)] if len(ident) >= MIN_PREFIX else []
        )
        if len(found) != 1:
            raise UnknownCredential(
                "No credential in the wallet has this identifier."
                if not found
                else "Several credentials start with this identifier: give more of it."
            )
        return found[0]

    def receive(self, issuance: Issuance, verifier: Verifier, store: Store | None = None) -> Received:
        """Verify and keep a credential (and its document key); pin its ciphertext if ``store`` can."""
        received = accept(issuance, self.identities, verifier)
        credential_id = received.held.credential.get("id")
        if credential_id is not None and any(
            c.credential.get("id") == credential_id for c in self.state.credentials
        ):
            raise CredentialRefused("This credential is already in the wallet.")
        if store is not None:
            for document in received.held.documents:
                document.pinned = stores.keep(store, stores.parse_cid(document.cid))
        self.state.credentials.append(received.held)
        self.save()
        return received

    def read_document(self, ident: str, store: Store, cid: str | None = None) -> Decryption:
        """The original's plaintext, as it is fetched (every block checked against the CID) and
        decrypted (the final tag required); the digest is checked before the stream ends."""
        document = self._document(self.find(ident), cid)
        with DocumentKey(document.key) as key:
            try:
                return Decryption(store.get(stores.parse_cid(document.cid)), key, document.digest_multibase)
            except IpfsError as error:
                raise DocumentUnavailable(
                    "The encrypted document cannot be fetched from the store."
                ) from error

    def present(
        self,
        ident: str,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        share_document: bool = False,
        recipient: Recipient | None = None,
        suite: str = DEFAULT_SUITE,
    ) -> dict[str, Any]:
        """A presentation of one credential, signed by the key of the DID it was issued to."""
        held = self.find(ident)
        identities = self.identities
        subjects = (s.get("id", "") for s in vcdm.subjects(held.credential))
        signer = next((s for s in map(identities.signer_for, subjects) if s is not None), None)
        if signer is None:
            raise CredentialRefused("This credential was issued to a DID this wallet does not hold.")
        if share_document and not held.documents:
            raise DocumentUnavailable("This credential has no original document to share.")
        access = document_access(held, recipient) if share_document else None
        return presentation(held, signer, challenge=challenge, domain=domain, access=access, suite=suite)

    # -- SD-JWT VCs (wallet.sdjwt)

    def find_sd_jwt(self, ident: str) -> HeldSdJwt | None:
        """The SD-JWT VC with this local id (or a prefix of at least 4 characters), if one."""
        ident = ident.strip()
        found = [c for c in self.state.sd_jwts if c.id == ident] or (
            [c for c in self.state.sd_jwts if c.id.startswith(ident)] if len(ident) >= MIN_PREFIX else []
        )
        if len(found) > 1:
            raise UnknownCredential("Several credentials start with this identifier: give more of it.")
        return found[0] if found else None

    def receive_sd_jwt(self, token: str, verifier: Verifier) -> sdjwt.ReceivedSdJwt:
        """Verify and keep an SD-JWT VC bound to one of this wallet's keys."""
        received = sdjwt.accept(token, self.identities, verifier)
        if any(c.id == received.held.id for c in self.state.sd_jwts):
            raise CredentialRefused("This credential is already in the wallet.")
        self.state.sd_jwts.append(received.held)
        self.save()
        return received

    def present_sd_jwt(
        self, ident: str, disclose: Sequence[str], *, nonce: str | None = None, audience: str | None = None
    ) -> str:
        """An SD-JWT+KB of the credential, disclosing only the claims named."""
        held = self.find_sd_jwt(ident)
        if held is None:
            raise UnknownCredential("No SD-JWT credential in the wallet has this identifier.")
        return sdjwt.presentation(held, self.identities, disclose, nonce=nonce, audience=audience)

    # -- recovery and coercion

    def backup(self, store: Store, passphrase: str, *, replace: bool = False) -> CID:
        """Put an encrypted backup of everything in the store (pinned); return its CID. With
        ``replace``, unpin the earlier backups this wallet made (they may hold forgotten keys) and
        delete their blocks from this device's store, so nothing on the device opens them again."""
        data = backup.seal(
            self.state.portable(),
            passphrase,
            identity.backup_key(self.state.master),
            configured_cost(),
        )
        cid = store.put(BlockReader([data]))
        older = [b for b in self.state.backups if b != str(cid)] if replace else []
        self.state.backups = [b for b in self.state.backups if b not in older and b != str(cid)] + [str(cid)]
        self.save()
        for stale in older:
            stores.release(store, stale)
        if older:
            stores.collect(store)
        return cid

    def guardian_shares(self, threshold: int, shares: int) -> list[str]:
        return guardians.split(self.state.master, threshold, shares)

    def set_duress(self, duress_passphrase: str) -> None:
        """Make (or replace) the duress wallet: a fresh, empty wallet that ``duress_passphrase``
        opens, in a slot this wallet never otherwise writes. Both slots are written at once."""
        check_new_passphrase(duress_passphrase)
        key = self._file.header.key_for(duress_passphrase)
        target = self.state.duress
        if target is None:
            target = next(i for i in range(SLOTS) if i not in (self._slot, self.state.reserved))
        opened = self._file.open(key)
        if key == self._key or (opened is not None and opened.slot != target):
            raise WeakPassphrase("Choose another duress passphrase.")
        decoy = WalletState(master=os.urandom(MASTER_SIZE), reserved=self._slot)
        self._file = self._file.with_slot(target, key, decoy.to_json())
        self.state.duress = target
        self.save()

    def forget(self, idents: Sequence[str] | None, store: Store, passphrase: str) -> Forgotten:
        """Destroy credentials and their document keys (all with ``idents`` None), unpin what this
        wallet pinned for them, and replace the backups, which hold the keys, by a new one; then
        delete from this device's store every block no pin reaches any more."""
        doomed = list(self.state.credentials) if idents is None else [self.find(i) for i in idents]
        doomed_ids = {id(c) for c in doomed}
        self.state.credentials = [c for c in self.state.credentials if id(c) not in doomed_ids]
        self.save()
        pinned = [d for c in doomed for d in c.documents if d.pinned]
        for document in pinned:
            stores.release(store, document.cid)
        earlier = list(self.state.backups)
        if not earlier or not doomed:
            stores.collect(store)
            return Forgotten(len(doomed), None, documents_destroyed=len(pinned))
        try:
            made = self.backup(store, passphrase, replace=True)
        except IpfsError as error:
            return Forgotten(len(doomed), None, str(error))
        replaced = sum(1 for cid in earlier if cid != str(made))
        return Forgotten(len(doomed), made, None, replaced, len(pinned))

    def _document(self, held: HeldCredential, cid: str | None) -> HeldDocument:
        documents = [d for d in held.documents if cid is None or d.cid == cid.strip()]
        if len(documents) != 1:
            raise DocumentUnavailable(
                "This credential has no such original document."
                if not documents
                else "This credential has several original documents: choose one with --cid."
            )
        return documents[0]


def _slots() -> tuple[int, int]:
    """A new wallet's own slot and its reserved slot, at random."""
    own, reserved = random.SystemRandom().sample(range(SLOTS), 2)
    return own, reserved


@contextlib.contextmanager
def _empty_directory(directory: Path) -> Iterator[None]:
    """Create the directory (mode 0700) if needed, lock it, and insist that it is empty."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise WalletError(f"The wallet directory cannot be created: {error.strerror}.") from error
    with locked(directory):
        if (directory / FILE_NAME).exists():
            raise WalletExists("A wallet already exists here; choose an empty directory.")
        if any(directory.iterdir()):
            raise WalletExists("The directory is not empty; choose an empty or new one for the wallet.")
        yield
