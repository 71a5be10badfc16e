"""``python -m issuer``: the same commands as ``nansen issuer``."""

from issuer.cli import app

app(prog_name="nansen issuer")
