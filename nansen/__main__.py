"""``python -m nansen``: the same as the ``nansen`` command."""

from nansen.cli.main import run

run()
