"""The ``nansen`` command: core sub-commands here, role sub-commands found by entry point."""
