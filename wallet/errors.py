"""Errors the wallet raises. Each message is one plain sentence a person can act on, and names no
person, DID, CID, passphrase or key (DESIGN.md §4)."""

from nansen.errors import InvalidInput, NansenError


class WalletError(NansenError):
    """Base of every error the wallet raises."""


class NoWallet(WalletError):
    """The wallet directory holds no wallet."""


class WalletExists(WalletError):
    """A wallet is already in the directory (init and recover never overwrite one)."""


class WrongPassphrase(WalletError):
    """The passphrase opens no wallet in the directory."""


class WeakPassphrase(WalletError, InvalidInput):
    """A new passphrase is too short, or the same as another one of the wallet."""


class WalletDamaged(WalletError):
    """The wallet file is not in the wallet format, or is truncated."""


class WalletFull(WalletError):
    """What the wallet holds no longer fits in its fixed-size slot."""


class UnknownCredential(WalletError, InvalidInput):
    """No credential, or more than one, matches the identifier given."""


class CredentialRefused(WalletError):
    """A credential or issuance response is not for this wallet, or did not verify."""


class DocumentUnavailable(WalletError):
    """An original document cannot be fetched, opened or checked."""


class BackupNotFound(WalletError):
    """No backup with this CID can be fetched."""


class BackupLocked(WalletError):
    """Neither the passphrase nor the guardians' shares given open the backup."""


class BackupDamaged(WalletError):
    """The backup's bytes were altered, or it is not a wallet backup."""


class GuardianShareError(WalletError, InvalidInput):
    """Guardian shares are malformed, too few, or do not belong together."""
