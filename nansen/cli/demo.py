"""``nansen demo``: the whole story of DESIGN.md §1 on one laptop, in plain words (`nansen.demo`)."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from nansen.cli.io import fail
from nansen.config import data_dir
from nansen.demo.roles import DemoError
from nansen.demo.story import tell
from nansen.timeutil import now

#: Ctrl-C, or SIGTERM: the services are stopped, and the demo ends with this code (128 + SIGINT).
EXIT_INTERRUPTED = 130


def demo(
    keep: Annotated[
        bool,
        typer.Option(
            "--keep", help="Keep the run's files (keys, databases, the decrypted scan) and say where."
        ),
    ] = False,
) -> None:
    """Tell the whole story: a partner's issuer, a shelter's verifier and a holder's wallet, each in its
    own process on this laptop, ending with a recovery that still verifies. The run's files (under
    NANSEN_DATA_DIR/demo, readable by this user only) are removed at the end unless --keep is given."""
    parent = data_dir() / "demo"
    # Keys and a decrypted scan: every file 0600 and folder 0700, the roles' processes' files too.
    previous_umask = os.umask(0o077)
    try:
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix=now().strftime("%Y%m%d-%H%M%S-"), dir=parent))
    except OSError as error:
        os.umask(previous_umask)
        fail(f"Cannot make a folder for the demo in {parent}: {error.strerror}.")
    typer.echo(f"The files of this run go to {root}.")
    started = time.monotonic()
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        tell(root)
    except DemoError as error:
        fail(str(error))
    except OSError as error:
        fail(f"The demo could not write its files: {error.strerror}.")
    except (LookupError, TypeError, ValueError) as error:
        fail(f"A role answered in a form the demo did not expect ({type(error).__name__}).")
    except KeyboardInterrupt:
        typer.echo("\nInterrupted: the services are stopped.", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
        os.umask(previous_umask)
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    kept = f"Its files are in {root}." if keep else "Its files are removed (--keep keeps them)."
    typer.echo(f"\nThe whole story took {time.monotonic() - started:.0f} s. {kept}")
