"""Access and portability exports: a zip per request with JSON nested by collection, one CSV per table
and a manifest of row counts and SHA-256 digests.

Rows stream from the database to per-subject staging files chunk by chunk and from there into the zip,
so memory stays flat however much data a person has. Only columns whose categories the request may
show are read at all.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from jaga.actions.target import Schema, TablePlan, chunks
from jaga.datamap import Collection
from jaga.policy import covers


def visible_columns(coll: Collection, allowed: Iterable[str]) -> list[str]:
    """Columns with at least one category the request may show (unannotated columns never are), plus
    keys and references, which let the person join their rows across tables."""
    cats = list(allowed)
    return [
        f.name
        for f in coll.fields
        if f.primary_key or f.references or any(covers(a, c) for a in cats for c in f.categories)
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


class Staging:
    """Per-batch working directory: ``<root>/<sid>/<dataset.collection>.jsonl`` (and ``.csv``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def file(self, sid: int, table: str, suffix: str) -> Path:
        return self.root / str(sid) / f"{table}.{suffix}"

    def reset(self, table: str) -> None:
        """Forget a table's earlier, possibly half-written output (a step re-run after a crash)."""
        if self.root.exists():
            for path in self.root.glob(f"*/{table}.*"):
                path.unlink()

    def append(self, sid: int, table: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
        jsonl, csv_path = self.file(sid, table, "jsonl"), self.file(sid, table, "csv")
        jsonl.parent.mkdir(parents=True, exist_ok=True)
        new = not csv_path.exists()
        with jsonl.open("a", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False, default=_plain) + "\n")
        with csv_path.open("a", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            if new:
                writer.writerow(columns)
            writer.writerows([[_plain(row[c]) for c in columns] for row in rows])


def export_table(conn: Connection, schema: Schema, tp: TablePlan, columns: list[str], staging: Staging) -> int:
    """Copy the subjects' visible rows of one table to their staging files, in key order."""
    node = (tp.dataset, tp.collection)
    table = schema.table(node)
    pk = schema.pk(node)
    staging.reset(tp.name)
    if not columns:
        return 0
    wanted = list(dict.fromkeys([*pk, *columns]))
    total = 0
    for chunk in chunks(tp.keys):
        per_sid: dict[int, list[dict[str, Any]]] = {}
        query = select(*(table.c[n] for n in wanted)).where(schema.key_clause(node, chunk))
        for row in conn.execute(query.order_by(*(table.c[n] for n in pk))).mappings():
            key = tuple(row[n] for n in pk)
            shown = {c: row[c] for c in columns}
            for sid in tp.keys[key]:
                per_sid.setdefault(sid, []).append(shown)
            total += 1
        for sid, rows in per_sid.items():
            staging.append(sid, tp.name, columns, rows)
    return total


@dataclass(frozen=True)
class ExportMeta:
    request_id: str
    generated_at: str
    policy_version: str
    tables: list[tuple[str, list[str]]]  # (dataset.collection, columns) in plan order


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def package(staging: Staging, sid: int, meta: ExportMeta, out_dir: Path) -> tuple[Path, dict[str, int]]:
    """Assemble one request's zip from its staging files; written beside and renamed, so a reader
    never sees a half-written archive."""
    work = staging.root / str(sid) / "out"
    shutil.rmtree(work, ignore_errors=True)
    (work / "csv").mkdir(parents=True)
    counts: dict[str, int] = {}
    data_path = work / "data.json"
    with data_path.open("w", encoding="utf-8") as out:
        out.write("{")
        datasets: dict[str, list[str]] = {}
        for name, _ in meta.tables:
            ds, coll = name.split(".", 1)
            datasets.setdefault(ds, []).append(coll)
        for i, (ds, colls) in enumerate(datasets.items()):
            out.write(("," if i else "") + json.dumps(ds) + ":{")
            for j, coll in enumerate(colls):
                out.write(("," if j else "") + json.dumps(coll) + ":[")
                src = staging.file(sid, f"{ds}.{coll}", "jsonl")
                n = 0
                if src.exists():
                    with src.open(encoding="utf-8") as rows:
                        for n, line in enumerate(rows, start=1):
                            out.write(("," if n > 1 else "") + line.rstrip("\n"))
                counts[f"{ds}.{coll}"] = n
                out.write("]")
            out.write("}")
        out.write("}")
    for name, columns in meta.tables:
        src = staging.file(sid, name, "csv")
        dest = work / "csv" / f"{name}.csv"
        if src.exists():
            shutil.copyfile(src, dest)
        else:
            with dest.open("w", encoding="utf-8", newline="") as out:
                csv.writer(out).writerow(columns)
    files = {"data.json": data_path, **{f"csv/{n}.csv": work / "csv" / f"{n}.csv" for n, _ in meta.tables}}
    manifest = {
        "request_id": meta.request_id,
        "generated_at": meta.generated_at,
        "policy_version": meta.policy_version,
        "format": "jaga-export/1",
        "tables": counts,
        "sha256": {k: _sha256(p) for k, p in files.items()},
    }
    (work / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"{meta.request_id}.zip"
    tmp = final.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(work / "manifest.json", "manifest.json")
        for arcname, path in files.items():
            archive.write(path, arcname)
    os.replace(tmp, final)
    shutil.rmtree(work, ignore_errors=True)
    return final, counts


def read_export(path: Path) -> Mapping[str, Any]:
    """The JSON part and manifest of an export (for tests and for people checking what they received)."""
    with zipfile.ZipFile(path) as archive:
        return {"manifest": json.loads(archive.read("manifest.json")), "data": json.loads(archive.read("data.json"))}
