"""Access and portability exports: a zip per request with JSON nested by collection, one CSV per table
and a manifest of row counts, the person's data categories (naming those the policy does not declare)
and SHA-256 digests.

Rows stream from the database to staging files chunk by chunk and from there into the zips, so memory
stays flat however much data a person has. Only personal columns and keys are read (every personal
column, whatever the policy declares). Staging is one pair of files per table for the whole batch, with
an index of where each subject's rows are: a thousand requests then create a thousand zips and a few
dozen working files, not tens of thousands (creating, reopening and deleting a file per subject and
table took most of a batch's time on a busy disk).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, select

from jaga.actions.target import Key, Schema, TablePlan, chunks
from jaga.datamap import Collection
from jaga.errors import JagaError


def visible_columns(coll: Collection) -> list[str]:
    """Every personal column (the right of access, UU PDP art. 7 and GDPR art. 15, covers all personal
    data held, declared in the policy or not), plus keys and references, which let the person join
    their rows across tables. Unannotated and ``system.*``-only columns are the company's own."""
    return [f.name for f in coll.fields if f.primary_key or f.references or f.personal]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)  # a decimal, UUID, interval, network address... as the database writes it


Block = tuple[int, int, int, int, int]
"""Where one run of a subject's rows is in a table's staging files: JSON offset, JSON length, CSV offset,
CSV length, row count."""


class TableWriter:
    """Appends subjects' rows of one table to its staging files, remembering each subject's blocks."""

    def __init__(self, staging: Staging, table: str, columns: list[str]) -> None:
        self.staging, self.table, self.columns = staging, table, columns
        staging.root.mkdir(parents=True, exist_ok=True)
        self.jsonl = staging.file(table, "jsonl").open("ab")
        self.csv = staging.file(table, "csv").open("ab")
        self.index: dict[int, list[Block]] = {}

    def add(self, sid: int, rows: list[dict[str, Any]]) -> None:
        lines = "".join(json.dumps(row, ensure_ascii=False, default=_plain) + "\n" for row in rows).encode()
        text = io.StringIO()
        csv.writer(text).writerows([[_plain(row.get(c)) for c in self.columns] for row in rows])
        table = text.getvalue().encode()
        block = (self.jsonl.tell(), len(lines), self.csv.tell(), len(table), len(rows))
        self.jsonl.write(lines)
        self.csv.write(table)
        self.index.setdefault(sid, []).append(block)

    def close(self) -> None:
        """Flush the data, then write the index last (atomically): a table whose index exists is complete."""
        self.jsonl.close()
        self.csv.close()
        target = self.staging.file(self.table, "index.json")
        tmp = target.with_suffix(".part")
        tmp.write_text(json.dumps({str(sid): blocks for sid, blocks in self.index.items()}), encoding="utf-8")
        os.replace(tmp, target)


class Staging:
    """Per-batch working directory: ``<root>/<dataset.collection>.jsonl`` and ``.csv`` with every
    subject's visible rows in blocks, and ``.index.json`` mapping each subject to its blocks."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._index: dict[str, dict[int, list[Block]]] = {}
        self._open: dict[tuple[str, str], IO[bytes]] = {}

    def file(self, table: str, suffix: str) -> Path:
        return self.root / f"{table}.{suffix}"

    def reset(self, table: str) -> None:
        """Forget a table's earlier, possibly half-written output (a step re-run after a crash)."""
        for suffix in ("index.json", "jsonl", "csv"):
            self.file(table, suffix).unlink(missing_ok=True)

    def writer(self, table: str, columns: list[str]) -> TableWriter:
        self.reset(table)
        return TableWriter(self, table, columns)

    def blocks(self, sid: int, table: str) -> list[Block]:
        """The subject's blocks in a table (none if the table showed nothing of them)."""
        if table not in self._index:
            path = self.file(table, "index.json")
            if not path.exists():
                raise JagaError(
                    f"the staged export of {table} is missing",
                    where=str(self.root),
                    hint="run the batch again; its export steps were not completed by this version of jaga",
                )
            raw = json.loads(path.read_text(encoding="utf-8"))
            self._index[table] = {int(k): [tuple(b) for b in v] for k, v in raw.items()}
        return self._index[table].get(sid, [])

    def read(self, table: str, suffix: str, offset: int, length: int) -> bytes:
        """Bytes of a block; the table's files stay open until :meth:`close`, so packaging a thousand
        requests opens each staging file once."""
        key = (table, suffix)
        if key not in self._open:
            self._open[key] = self.file(table, suffix).open("rb")
        handle = self._open[key]
        handle.seek(offset)
        return handle.read(length)

    def close(self) -> None:
        for handle in self._open.values():
            handle.close()
        self._open.clear()


def export_table(conn: Connection, schema: Schema, tp: TablePlan, columns: list[str], staging: Staging) -> int:
    """Copy the subjects' visible rows of one table to the staging files, in key order.

    One query per chunk of keys for all subjects of the batch; each row is handed to every subject whose
    keys reached it, so shared rows are read once.
    """
    node = (tp.dataset, tp.collection)
    table = schema.table(node)
    pk = schema.pk(node)
    writer = staging.writer(tp.name, columns)
    wanted = list(dict.fromkeys([*pk, *columns]))
    key_at = [wanted.index(n) for n in pk]
    shown_at = [(c, wanted.index(c)) for c in columns]
    total = 0
    try:
        if not columns:
            return 0
        for chunk in chunks(tp.keys, schema.chunk_size(node)):
            per_sid: dict[int, list[dict[str, Any]]] = {}
            query = select(*(table.c[n] for n in wanted)).where(schema.where_keys(node, chunk))
            for row in conn.execute(query.order_by(*(table.c[n] for n in pk))).all():
                shown = {c: row[i] for c, i in shown_at}
                for sid in tp.keys[tuple(row[i] for i in key_at)]:
                    per_sid.setdefault(sid, []).append(shown)
                total += 1
            for sid in sorted(per_sid):
                writer.add(sid, per_sid[sid])
        total += _export_links(conn, schema, tp, columns, writer)
    finally:
        writer.close()
    return total


def _export_links(conn: Connection, schema: Schema, tp: TablePlan, visible: list[str], writer: TableWriter) -> int:
    """Rows that are not the subjects' own but point at them: each subject gets only the link column
    pointing at them and the fields the map says describe its person (``jaga.about``), where visible
    (an employee sees that they handled a ticket, not the customer's ticket)."""
    node = (tp.dataset, tp.collection)
    table = schema.table(node)
    pk = schema.pk(node)
    fields = schema.collection(node).fields
    shown: dict[tuple[int, Key], dict[str, Any]] = {}
    for link, rows in tp.linked.items():
        names = [n for n in (link, *(f.name for f in fields if f.about == link)) if n in visible]
        for chunk in chunks(rows, schema.chunk_size(node)) if names else ():
            query = select(*(table.c[n] for n in (*pk, *names))).where(schema.where_keys(node, chunk))
            for row in conn.execute(query.order_by(*(table.c[n] for n in pk))).all():
                key = tuple(row[: len(pk)])
                for sid in rows.get(key, set()) - tp.keys.get(key, set()):
                    shown.setdefault((sid, key), {}).update(zip(names, row[len(pk) :], strict=True))
    per_sid: dict[int, list[dict[str, Any]]] = {}
    for (sid, _), values in sorted(shown.items(), key=lambda item: item[0][0]):
        per_sid.setdefault(sid, []).append(values)
    for sid, values_of in per_sid.items():
        writer.add(sid, values_of)
    return len({key for _, key in shown})


@dataclass(frozen=True)
class ExportMeta:
    request_id: str
    generated_at: str
    policy_version: str
    tables: list[tuple[str, list[str]]]  # (dataset.collection, columns) in plan order
    categories: tuple[str, ...] = ()  # personal data categories of the person's rows
    undeclared: tuple[str, ...] = ()  # ... which the policy does not declare


def _data_json(staging: Staging, sid: int, meta: ExportMeta, counts: dict[str, int]) -> Iterator[bytes]:
    """``data.json`` (nested dataset -> collection -> rows) assembled from the staged JSON lines, block
    by block; ``counts`` receives each table's row count as it is streamed."""
    datasets: dict[str, list[str]] = {}
    for name, _ in meta.tables:
        ds, coll = name.split(".", 1)
        datasets.setdefault(ds, []).append(coll)
    yield b"{"
    for i, (ds, colls) in enumerate(datasets.items()):
        yield (("," if i else "") + json.dumps(ds) + ":{").encode()
        for j, coll in enumerate(colls):
            yield (("," if j else "") + json.dumps(coll) + ":[").encode()
            name, n = f"{ds}.{coll}", 0
            for offset, length, _, _, rows in staging.blocks(sid, name):
                lines = staging.read(name, "jsonl", offset, length)
                yield (b"," if n else b"") + b",".join(lines.rstrip(b"\n").split(b"\n"))
                n += rows
            counts[name] = n
            yield b"]"
        yield b"}"
    yield b"}"


def _csv_file(staging: Staging, sid: int, name: str, columns: list[str]) -> Iterator[bytes]:
    header = io.StringIO()
    csv.writer(header).writerow(columns)
    yield header.getvalue().encode()
    for _, _, offset, length, _ in staging.blocks(sid, name):
        yield staging.read(name, "csv", offset, length)


def _store(archive: zipfile.ZipFile, arcname: str, parts: Iterable[bytes], zip64: bool) -> str:
    """Write one archive member from ``parts`` and return its SHA-256, computed on the way in."""
    digest = hashlib.sha256()
    pending: list[bytes] = []
    size = 0
    with archive.open(arcname, "w", force_zip64=zip64) as out:
        for part in parts:
            digest.update(part)
            pending.append(part)
            size += len(part)
            if size >= 1 << 16:  # few large writes: each write into a member has a fixed cost
                out.write(b"".join(pending))
                pending, size = [], 0
        out.write(b"".join(pending))
    return digest.hexdigest()


def package(staging: Staging, sid: int, meta: ExportMeta, out_dir: Path) -> tuple[Path, dict[str, int]]:
    """Assemble one request's zip from the staged rows; written beside and renamed, so a reader never
    sees a half-written archive.

    Members stream from the staging files straight into the archive and are hashed on the way, so
    each byte is read once and nothing is copied to a working directory first; the manifest, which
    holds the hashes, is the last member.
    """
    size = sum(b[1] + b[3] for name, _ in meta.tables for b in staging.blocks(sid, name))
    big = size > zipfile.ZIP64_LIMIT // 2
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"{meta.request_id}.zip"
    tmp = final.with_suffix(".zip.part")
    counts: dict[str, int] = {}
    hashes: dict[str, str] = {}
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        hashes["data.json"] = _store(archive, "data.json", _data_json(staging, sid, meta, counts), big)
        for name, columns in meta.tables:
            hashes[f"csv/{name}.csv"] = _store(archive, f"csv/{name}.csv", _csv_file(staging, sid, name, columns), big)
        manifest = {
            "request_id": meta.request_id,
            "generated_at": meta.generated_at,
            "policy_version": meta.policy_version,
            "format": "jaga-export/1",
            "tables": counts,
            "categories": list(meta.categories),
            "categories_not_in_policy": list(meta.undeclared),
            "sha256": hashes,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
    os.replace(tmp, final)
    return final, counts


def read_export(path: Path) -> Mapping[str, Any]:
    """The JSON part and manifest of an export (for tests and for people checking what they received)."""
    with zipfile.ZipFile(path) as archive:
        return {"manifest": json.loads(archive.read("manifest.json")), "data": json.loads(archive.read("data.json"))}
