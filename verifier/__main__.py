"""``python -m verifier``: the same commands as ``nansen verifier``."""

from verifier.cli import app

app(prog_name="nansen verifier")
