"""``python -m wallet``: the same commands as ``nansen wallet``."""

from wallet.cli import app

app(prog_name="nansen wallet")
