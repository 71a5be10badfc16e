"""The host's HTTP API under ``/api/`` (WEBWALLET-PROTOCOL.md): no identifier ever in a path or a
query (they would reach access logs), only in JSON bodies and the ``Authorization`` header."""
