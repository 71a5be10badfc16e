"""Which IPFS stores Nansen uses: :func:`configured_store`, from ``NANSEN_IPFS_*`` environment variables.

With none set, content is kept in the embedded store in the data directory and nowhere else.

| variable | default | meaning |
|---|---|---|
| ``NANSEN_IPFS_API`` | unset | the HTTP RPC API of a kubo node (``http://127.0.0.1:5001``): content is copied and pinned there, and read from there when the embedded store lacks it; plain ``http`` only to a loopback address, ``https`` otherwise |
| ``NANSEN_IPFS_PINNING_URL`` | unset | the base URL of an IPFS Pinning Service API (a hosted provider, or IPFS Cluster's pinning service API); needs ``NANSEN_IPFS_API``, the node the service fetches content from |
| ``NANSEN_IPFS_PINNING_TOKEN`` | unset | the bearer token of that service (required with the URL) |
| ``NANSEN_IPFS_PINNING_NAME`` | ``nansen`` | the name given to every pin at the service: one fixed label, never anything about a document |
| ``NANSEN_IPFS_REPLICAS`` | every target configured | comma-separated targets to pin to besides the embedded store: ``kubo``, ``pinning``; ``none`` for none |
| ``NANSEN_IPFS_TIMEOUT`` | ``30`` | seconds to wait for a node or service to answer |
| ``NANSEN_IPFS_PIN_DEADLINE`` | ``60`` | seconds to wait for a pinning service to report a pin ``pinned`` or ``failed`` before trying again later |

Pins that cannot be made at once are queued in ``$NANSEN_DATA_DIR/ipfs-replication.sqlite3`` and
retried by ``nansen ipfs sync``; ``nansen ipfs health`` shows where each content is pinned.
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping

import httpx

from nansen import config
from nansen.errors import InvalidInput
from nansen.ipfs.embedded import EmbeddedStore
from nansen.ipfs.errors import IpfsError
from nansen.ipfs.jobs import JobQueue
from nansen.ipfs.pinning import PinningService
from nansen.ipfs.replication import Replica, ReplicatedStore
from nansen.ipfs.rpc import RpcStore

KUBO = RpcStore.name
PINNING = PinningService.name
QUEUE_FILE = "ipfs-replication.sqlite3"


class IpfsConfigurationError(IpfsError, InvalidInput):
    """The ``NANSEN_IPFS_*`` variables do not describe stores that can be used."""


def configured_store(environ: Mapping[str, str] | None = None) -> ReplicatedStore:
    """The embedded store, replicated to the targets the environment names (see the module)."""
    env = os.environ if environ is None else environ
    timeout = _seconds(env, "NANSEN_IPFS_TIMEOUT", 30.0)
    api = env.get("NANSEN_IPFS_API")
    node = RpcStore(_url(api, "NANSEN_IPFS_API"), timeout=timeout) if api else None
    available: dict[str, Replica] = {}
    if node is not None:
        available[KUBO] = node
    pinning_url = env.get("NANSEN_IPFS_PINNING_URL")
    if pinning_url:
        token = env.get("NANSEN_IPFS_PINNING_TOKEN")
        if not token:
            raise IpfsConfigurationError(
                "NANSEN_IPFS_PINNING_URL is set but NANSEN_IPFS_PINNING_TOKEN is not."
            )
        if node is None:
            raise IpfsConfigurationError(
                "A pinning service fetches content from an IPFS node: set NANSEN_IPFS_API too."
            )
        available[PINNING] = PinningService(
            _url(pinning_url, "NANSEN_IPFS_PINNING_URL"),
            token,
            origin=node,
            label=env.get("NANSEN_IPFS_PINNING_NAME", "nansen"),
            deadline=_seconds(env, "NANSEN_IPFS_PIN_DEADLINE", 60.0),
            timeout=timeout,
        )
    replicas = [available[name] for name in _chosen(env.get("NANSEN_IPFS_REPLICAS"), available)]
    return ReplicatedStore(
        EmbeddedStore(),
        replicas,
        JobQueue(config.data_dir() / QUEUE_FILE),
        readers=[node] if node is not None else [],
    )


def _chosen(value: str | None, available: Mapping[str, Replica]) -> list[str]:
    if value is None:
        return list(available)
    names = [name.strip() for name in value.split(",") if name.strip()]
    if names == ["none"]:
        return []
    for name in names:
        if name not in (KUBO, PINNING):
            raise IpfsConfigurationError("NANSEN_IPFS_REPLICAS may name only kubo and pinning, or none.")
        if name not in available:
            variable = "NANSEN_IPFS_API" if name == KUBO else "NANSEN_IPFS_PINNING_URL"
            raise IpfsConfigurationError(f"NANSEN_IPFS_REPLICAS names {name}, but {variable} is not set.")
    return list(dict.fromkeys(names))


def _url(value: str, variable: str) -> str:
    """An http(s) URL; plain http only to a loopback address (the RPC API is a node's admin API, and a
    pinning token must not cross a network in clear)."""
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        raise IpfsConfigurationError(f"{variable} is not a URL.") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise IpfsConfigurationError(f"{variable} must be an http or https URL.")
    if url.scheme == "http" and not _loopback(url.host):
        raise IpfsConfigurationError(f"{variable} may use plain http only to a loopback address; use https.")
    return value


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _seconds(env: Mapping[str, str], variable: str, default: float) -> float:
    value = env.get(variable)
    if value is None:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise IpfsConfigurationError(f"{variable} must be a positive number of seconds.")
    return seconds
