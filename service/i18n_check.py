"""``nansen i18n check [LANG]``: what a language's catalogues lack, for a volunteer translator.

Each service names its catalogues in the ``nansen.catalogues`` entry-point group of pyproject.toml
(as roles name their commands in ``nansen.commands``), so this command imports no role directly.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Annotated

import typer

from service.i18n import ENGLISH, Catalogues

app = typer.Typer(
    help="The pages' languages: what a translation lacks.", no_args_is_help=True, rich_markup_mode=None
)


def installed() -> dict[str, Catalogues]:
    """Every service's catalogues, by the service's name."""
    found: dict[str, Catalogues] = {}
    for entry in sorted(entry_points(group="nansen.catalogues"), key=lambda e: e.name):
        catalogues = entry.load()
        if isinstance(catalogues, Catalogues):
            found[entry.name] = catalogues
    return found


@app.command()
def check(
    lang: Annotated[
        str | None, typer.Argument(help="A language tag (fr, ar, uk); every language when left out.")
    ] = None,
) -> None:
    """List the messages a language lacks or gets wrong in each service's catalogue, compared with
    English. Exit 0 when nothing is missing, 1 otherwise. A new language: copy each service's
    en.json to LANG.json, translate the values, run this until it says nothing is missing."""
    services = installed()
    languages = sorted({tag for c in services.values() for tag in c.entries} - {ENGLISH})
    wanted = [lang] if lang else languages
    missing = 0
    for tag in wanted:
        for name, catalogues in services.items():
            if tag not in catalogues.entries:
                typer.echo(
                    f"{tag} {name}: no catalogue; copy {catalogues.directory / 'en.json'} to {tag}.json"
                )
                missing += 1
                continue
            gaps = catalogues.gaps(tag)
            for gap in gaps:
                typer.echo(f"{tag} {name}: {gap}")
            missing += len(gaps)
    if missing:
        typer.echo(f"{missing} to do.")
        raise typer.Exit(1)
    typer.echo(f"Nothing is missing ({', '.join(wanted)}).")
