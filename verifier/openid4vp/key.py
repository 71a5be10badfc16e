"""The verifier's own did:key for OpenID4VP: it signs request objects, and its DID is the client id
(``decentralized_identifier:did:key:…``). Kept in ``$NANSEN_DATA_DIR/openid4vp-key.json`` (mode
0600), made on first use; replicas that share the data directory share it."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair, SigningKey

FILE_NAME = "openid4vp-key.json"


@functools.cache
def verifier_key(directory: Path) -> SigningKey:
    path = directory / FILE_NAME
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fresh = did_key.signing_key(Ed25519KeyPair.generate())
        temporary = path.with_name(f".{FILE_NAME}.{os.getpid()}")
        fresh.write(temporary)
        try:
            os.link(temporary, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return SigningKey.read(path)
