"""The core's ``NANSEN_*`` variables, through the installed ``nansen`` entry point (nansen/config.py).

Each variable with a value that cannot be used is one line naming it and what it must be, exit 2,
no traceback: before any ``nansen`` command runs, and when either service starts (``nansen issuer
serve``, ``python -m verifier serve``). Importing ``nansen`` never reads them; the first use does.
Valid values still act. The help of every command shows no Python type label for a flag or a
repeatable option.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import typer
from typer.testing import CliRunner

from nansen.cli.main import _add_role_commands, app
from tests.helpers import signed_credential

NANSEN = Path(sys.executable).parent / "nansen"


def run(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``args`` (``nansen …`` or ``python -m …``) with only the given core variables set."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NANSEN_")}
    environment.update({"COLUMNS": "160", **env})
    return subprocess.run(
        list(args), input=stdin, capture_output=True, text=True, env=environment, timeout=120, check=False
    )


def not_pem(tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    path.write_text("not a certificate\n")
    return str(path)


def a_file(tmp_path: Path) -> str:
    path = tmp_path / "plain-file"
    path.write_text("x")
    return str(path)


#: (variable, a value it cannot take, the error's sentence): every core variable (README, "Core").
BAD = [
    (
        "NANSEN_MAX_DOCUMENT_BYTES",
        "abc",
        "NANSEN_MAX_DOCUMENT_BYTES must be a whole number from 1 to 1000000000, not 'abc'.",
    ),
    (
        "NANSEN_MAX_JSON_DEPTH",
        "-5",
        "NANSEN_MAX_JSON_DEPTH must be a whole number from 1 to 10000, not '-5'.",
    ),
    ("NANSEN_MAX_JSON_DEPTH", "0", "NANSEN_MAX_JSON_DEPTH must be a whole number from 1 to 10000, not '0'."),
    (
        "NANSEN_MAX_CANONICALIZATION_WORK",
        "1e6",
        "NANSEN_MAX_CANONICALIZATION_WORK must be a whole number from 1 to 10000000, not '1e6'.",
    ),
    (
        "NANSEN_CLOCK_SKEW_SECONDS",
        "5m",
        "NANSEN_CLOCK_SKEW_SECONDS must be a whole number of seconds from 0 to 86400, not '5m'.",
    ),
    ("NANSEN_SHAPE_CACHE", "off", "NANSEN_SHAPE_CACHE must be 1 (on) or 0 (off), not 'off'."),
    (
        "NANSEN_ALLOW_PRIVATE_ADDRESSES",
        "yes",
        "NANSEN_ALLOW_PRIVATE_ADDRESSES must be 1 (on) or 0 (off), not 'yes'.",
    ),
    (
        "NANSEN_DID_MAX_AGE_SECONDS",
        "0",
        "NANSEN_DID_MAX_AGE_SECONDS must be a whole number of seconds from 1 to 31536000, not '0'.",
    ),
    (
        "NANSEN_STATUS_GRACE_SECONDS",
        "1.5",
        "NANSEN_STATUS_GRACE_SECONDS must be a whole number of seconds from 0 to 31536000, not '1.5'.",
    ),
    (
        "NANSEN_JSONLD_CONTEXTS",
        "https://www.w3.org/ns/credentials/v2,https://example.org/unbundled",
        "NANSEN_JSONLD_CONTEXTS must be bundled context URLs separated by commas, "
        "not 'https://example.org/unbundled'.",
    ),
    (
        "NANSEN_SCHEMAS_DIR",
        "/nonexistent/schemas",
        "NANSEN_SCHEMAS_DIR must be an existing directory, not '/nonexistent/schemas'.",
    ),
]


def bad_paths(tmp_path: Path) -> list[tuple[str, str, str]]:
    """The variables whose bad values are files made for the test."""
    pem, plain = not_pem(tmp_path), a_file(tmp_path)
    return [
        (
            "NANSEN_TLS_CA_FILE",
            pem,
            f"NANSEN_TLS_CA_FILE must be a readable file of PEM certificates, not '{pem}'.",
        ),
        (
            "NANSEN_TLS_CA_FILE",
            "/nonexistent/ca.pem",
            "NANSEN_TLS_CA_FILE must be a readable file of PEM certificates, not '/nonexistent/ca.pem'.",
        ),
        (
            "NANSEN_DATA_DIR",
            plain,
            f"NANSEN_DATA_DIR must be a directory (or a path where one can be made), not '{plain}'.",
        ),
    ]


def assert_one_line(finished: subprocess.CompletedProcess[str], sentence: str) -> None:
    assert finished.returncode == 2, finished.stderr
    assert finished.stderr == f"Error: {sentence}\n"
    assert finished.stdout == ""


@pytest.mark.parametrize(("variable", "value", "sentence"), BAD, ids=[f"{v}={x}" for v, x, _ in BAD])
def test_a_bad_value_stops_any_command_in_one_line(variable: str, value: str, sentence: str) -> None:
    assert_one_line(
        run(str(NANSEN), "credential", "verify", "-", env={variable: value}, stdin="{}"), sentence
    )


def test_bad_paths_stop_any_command_in_one_line(tmp_path: Path) -> None:
    for variable, value, sentence in bad_paths(tmp_path):
        assert_one_line(run(str(NANSEN), "did", "new", env={variable: value}), sentence)


@pytest.mark.parametrize(
    "command",
    [
        (str(NANSEN), "issuer", "serve", "--port", "8999"),
        (str(NANSEN), "verifier", "serve", "--port", "8999"),
        (sys.executable, "-m", "issuer", "serve", "--port", "8999"),
        (sys.executable, "-m", "verifier", "serve", "--port", "8999"),
        (sys.executable, "-m", "verifier", "migrate"),
    ],
    ids=["nansen issuer", "nansen verifier", "python -m issuer", "python -m verifier", "verifier migrate"],
)
def test_the_services_refuse_to_start_in_one_line(command: tuple[str, ...], tmp_path: Path) -> None:
    """Through ``nansen`` the check before every command stops it; through ``python -m`` the
    role's own ``Settings.from_env``, which checks the core's variables too."""
    env = {"NANSEN_DATA_DIR": str(tmp_path), "NANSEN_MAX_JSON_DEPTH": "-5"}
    assert_one_line(
        run(*command, env=env), "NANSEN_MAX_JSON_DEPTH must be a whole number from 1 to 10000, not '-5'."
    )


def test_a_bad_role_setting_is_a_usage_error_too(tmp_path: Path) -> None:
    env = {"NANSEN_DATA_DIR": str(tmp_path), "NANSEN_VERIFIER_MODE": "sometimes"}
    finished = run(str(NANSEN), "verifier", "migrate", env=env)
    assert_one_line(finished, "NANSEN_VERIFIER_MODE must be one of: mixed, challenge, one-way.")


def test_importing_reads_nothing_the_first_use_does(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import nansen, nansen.canonical, nansen.cli.main, nansen.jsonld, nansen.verify
        import issuer.cli, issuer.schemas, verifier.cli, wallet.cli
        print("imported")
        from nansen import jsonutil
        from nansen.errors import ConfigurationError
        try:
            jsonutil.parse("{}")
        except ConfigurationError as error:
            print(error)
        """
    )
    env = {"NANSEN_MAX_JSON_DEPTH": "-5", "NANSEN_SCHEMAS_DIR": "/nonexistent", "NANSEN_SHAPE_CACHE": "off"}
    finished = run(sys.executable, "-c", script, env=env)
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    assert finished.stdout.splitlines() == [
        "imported",
        "NANSEN_SCHEMAS_DIR must be an existing directory, not '/nonexistent'.",  # the first one read
    ]


def test_the_help_still_shows_with_a_bad_value() -> None:
    finished = run(str(NANSEN), "--help", env={"NANSEN_MAX_JSON_DEPTH": "-5"})
    assert finished.returncode == 0
    assert "credential" in finished.stdout


@pytest.mark.parametrize(
    "command", [["did", "--help"], ["did", "new", "--help"], ["credential", "verify", "--help"]]
)
def test_a_commands_help_still_shows_with_a_bad_value(command: list[str]) -> None:
    finished = run(str(NANSEN), *command, env={"NANSEN_MAX_JSON_DEPTH": "-5"})
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("Usage: nansen ")
    assert "NANSEN_MAX_JSON_DEPTH" not in finished.stdout + finished.stderr


def test_valid_values_act(tmp_path: Path) -> None:
    """The same credential: verified by default; too large under a small NANSEN_MAX_DOCUMENT_BYTES;
    too deep under NANSEN_MAX_JSON_DEPTH=2 (both usage errors: the input cannot be read)."""
    credential = json.dumps(signed_credential())
    data = {"NANSEN_DATA_DIR": str(tmp_path)}
    verified = run(str(NANSEN), "credential", "verify", "-", env=data, stdin=credential)
    assert verified.returncode == 0, verified.stderr
    small = run(
        str(NANSEN),
        "credential",
        "verify",
        "-",
        env={**data, "NANSEN_MAX_DOCUMENT_BYTES": "100"},
        stdin=credential,
    )
    assert small.returncode == 2
    assert "the limit is 100 bytes" in small.stderr
    shallow = run(
        str(NANSEN), "credential", "verify", "-", env={**data, "NANSEN_MAX_JSON_DEPTH": "2"}, stdin=credential
    )
    assert shallow.returncode == 2
    assert "nested" in shallow.stderr


# --------------------------------------------------------------------------------------------
# Help text


def command_paths() -> Iterator[list[str]]:
    """Every command and group of ``nansen``, the roles' included."""
    if not {group.name for group in app.registered_groups} >= {"issuer", "verifier", "wallet"}:
        _add_role_commands(["nansen"])

    def walk(command: click.Command, path: list[str]) -> Iterator[list[str]]:
        yield path
        subcommands: dict[str, click.Command] = getattr(command, "commands", {})  # a TyperGroup's
        for name, sub in subcommands.items():
            yield from walk(sub, [*path, name])

    yield from walk(typer.main.get_command(app), [])


def test_no_help_shows_a_python_type_for_a_flag_or_a_repeatable_option() -> None:
    """Typer labels every option with its Python type; a flag takes no value, and a repeatable
    option takes one value each time (FILE, not ``<list[Path]>``). Positional arguments keep
    Typer's label (``ID <str>``): Typer shows it whatever the metavar."""
    runner = CliRunner()
    paths = list(command_paths())
    assert len(paths) > 50
    for path in paths:
        shown = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "160"})
        assert shown.exit_code == 0, (path, shown.output)
        assert "<bool>" not in shown.output, path
        options = [line for line in shown.output.splitlines() if re.match(r"\s+-", line)]
        assert not [line for line in options if "<list[" in line], path
    verify = runner.invoke(app, ["credential", "verify", "--help"], env={"COLUMNS": "160"}).output
    assert re.search(r"--did-doc FILE\s", verify)
    assert re.search(r"--status-list FILE\s", verify)
