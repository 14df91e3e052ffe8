"""``jaga datamap``: draft a data map from a live database, check it, show it."""

from __future__ import annotations

from pathlib import Path

import typer

from jaga.cli._base import DbOpt, console, db_urls, escape, new_app
from jaga.datamap import Connections, check_datamap, introspect, load_datamap, unlocated_notes
from jaga.datamap.graph import edges
from jaga.datamap.live import undeclared_problems
from jaga.errors import JagaError
from jaga.policy import load_policy, taxonomy_for

app = new_app("Where personal data lives: draft, check and show the data map (Fides dataset YAML).")


@app.command("introspect")
def introspect_cmd(
    url: str = typer.Argument(..., help="SQLAlchemy URL of the database to read"),
    dataset: str | None = typer.Option(None, help="fides_key for the drafted dataset"),
    out: Path | None = typer.Option(None, "--out", "-o", help="write the draft here instead of stdout"),
) -> None:
    """Draft a map of every table, column and foreign key (categories guessed only from obvious names)."""
    text = introspect(url, dataset)
    if out:
        out.write_text(text, encoding="utf-8")
        console.print(f"[green]✓[/] draft written to {escape(str(out))}; review the categories")
    else:
        typer.echo(text, nl=False)


@app.command("check")
def check_cmd(
    paths: list[Path] = typer.Argument(..., help="data-map YAML file(s)"),
    policy: Path | None = typer.Option(None, "--policy", "-p", help="policy file to check categories against"),
    offline: bool = typer.Option(False, help="do not connect to the databases"),
    db: list[str] = DbOpt,
) -> None:
    """Check the map against the live databases (tables/columns exist) and the policy (categories)."""
    pol = load_policy(policy) if policy else None
    dm = load_datamap(paths, taxonomy_for(pol) if pol else None)
    urls = db_urls(db)
    problems = check_datamap(dm, pol, urls, live=not offline)
    if not offline:  # planned with, so not a problem; but the map should say so
        conns = Connections(dm, urls)
        try:
            for warning in undeclared_problems(dm, conns):
                console.print("warning: " + escape(str(warning)))
        finally:
            conns.dispose()
    for problem in problems:
        console.print(escape(str(problem)))
    for note in unlocated_notes(dm, pol) if pol else []:
        console.print("note: " + escape(str(note)))
    if problems:
        raise JagaError(f"{len(problems)} problem(s) in the data map", where=dm.source)
    console.print(f"[green]✓[/] {len(dm.collections())} tables in {len(dm.datasets)} dataset(s) check out")


@app.command("show")
def show_cmd(paths: list[Path] = typer.Argument(..., help="data-map YAML file(s)")) -> None:
    """List datasets, tables, identities, categories and the reference graph."""
    dm = load_datamap(paths)
    for ds, coll in dm.collections():
        ids = [f"{f.name} ({f.identity})" for f in coll.fields if f.identity]
        cats = sorted({c for f in coll.fields for c in f.categories})
        console.print(f"[bold]{ds.key}.{coll.name}[/]" + (f"  identities: {', '.join(ids)}" if ids else ""))
        console.print(f"  categories: {escape(', '.join(cats)) or '-'}")
        if coll.legal_hold:
            console.print(f"  legal hold: {escape(coll.legal_hold)}")
    for e in edges(dm):
        console.print(f"{e.src[0]}.{e.src[1]}.{e.src_field} -> {e.dst[0]}.{e.dst[1]}.{e.dst_field}")
