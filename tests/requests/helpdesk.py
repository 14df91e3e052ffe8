"""A small help desk on a real database, for ownership and whole-transaction tests: customers, the
employees who handle their tickets, and tickets that point at both (with real foreign keys).

``customer a`` has two tickets, ``customer b`` one; employee ``e`` handles one ticket of each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, text

from jaga.store import make_engine

CUSTOMERS = [(1, "a@example.com", "Ani"), (2, "b@example.com", "Budi")]
EMPLOYEES = [(1, "e@example.com", "Eko")]
TICKETS = [(1, 1, 1, "my parcel is late", "Eko"), (2, 2, 1, "wrong size", "Eko"), (3, 1, None, "thanks!", None)]
NOTES = [(1, 1, "called the courier"), (2, 2, "sent a new one")]


def build(url: str) -> None:
    """Create and fill the tables (``notes`` hang off tickets by a foreign key; maps may leave it out)."""
    md = MetaData()
    customers, employees = (
        Table(
            name,
            md,
            Column("id", Integer, primary_key=True, autoincrement=False),
            Column("email", String(100), nullable=False),
            Column("full_name", String(100)),
        )
        for name in ("customers", "employees")
    )
    tickets = Table(
        "tickets",
        md,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
        Column("employee_id", Integer, ForeignKey("employees.id"), nullable=True),
        Column("body", String(200)),
        Column("handler_name", String(100)),  # describes the employee, not the customer
    )
    notes = Table(
        "notes",
        md,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
        Column("body", String(200)),
    )
    engine = make_engine(url)
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(customers.insert(), [dict(zip(("id", "email", "full_name"), r, strict=True)) for r in CUSTOMERS])
        conn.execute(employees.insert(), [dict(zip(("id", "email", "full_name"), r, strict=True)) for r in EMPLOYEES])
        conn.execute(
            tickets.insert(),
            [dict(zip(("id", "customer_id", "employee_id", "body", "handler_name"), r, strict=True)) for r in TICKETS],
        )
        conn.execute(notes.insert(), [dict(zip(("id", "ticket_id", "body"), r, strict=True)) for r in NOTES])
    engine.dispose()


def _field(name: str, category: str, **meta: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "data_categories": [category]}
    return {**out, "fides_meta": meta} if meta else out


def _person(name: str) -> dict[str, Any]:
    fields = [
        _field("id", "user.unique_id", primary_key=True),
        _field("email", "user.contact.email", identity="email"),
        _field("full_name", "user.name"),
    ]
    return {"name": name, "fields": fields}


def write_map(
    path: Path, *, owner: str | None = "customer_id", declare_employee: bool = True, notes: bool = True
) -> Path:
    """The help desk's data map; ``owner`` names the tickets' owning reference (None: the map is silent),
    ``declare_employee`` whether tickets.employee_id is declared as a reference, ``notes`` whether the
    notes table is in the map at all (its reference to tickets is never declared: the database's
    foreign key is the only one that knows it)."""
    ref = lambda table: [{"dataset": "helpdesk", "field": f"{table}.id", "direction": "from"}]  # noqa: E731
    employee_meta: dict[str, Any] = {"references": ref("employees")} if declare_employee else {}
    tickets: dict[str, Any] = {
        "name": "tickets",
        "fields": [
            _field("id", "system.operations", primary_key=True),
            _field("customer_id", "user.unique_id", references=ref("customers")),
            _field("employee_id", "user.unique_id", **employee_meta),
            _field("body", "user.communication"),
            {"name": "handler_name", "data_categories": ["user.name"], "jaga": {"about": "employee_id"}},
        ],
    }
    if owner:
        tickets["jaga"] = {"owner": owner}
    collections = [_person("customers"), _person("employees"), tickets]
    if notes:
        collections.append(
            {
                "name": "notes",
                "fields": [
                    _field("id", "system.operations", primary_key=True),
                    _field("ticket_id", "system.operations"),
                    _field("body", "user.communication"),
                ],
            }
        )
    path.write_text(
        yaml.safe_dump({"dataset": [{"fides_key": "helpdesk", "collections": collections}]}, sort_keys=False),
        encoding="utf-8",
    )
    return path


def dump(url: str, tables: tuple[str, ...] = ("customers", "employees", "tickets", "notes")) -> dict[str, list[Any]]:
    """Every row of every table in key order, byte for byte as the database returns it."""
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in tables}
    engine.dispose()
    return out


def refuse_deletes(url: str, table: str, *, on: bool = True) -> None:
    """A trigger that makes the database refuse any delete from ``table`` (``on=False`` drops it): a
    step the database refuses, whatever the map says."""
    engine = make_engine(url)
    name = f"jaga_refuse_{table}"
    dialect = engine.dialect.name
    with engine.begin() as conn:
        if not on:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else "")))
        elif dialect == "sqlite":
            conn.execute(
                text(f"CREATE TRIGGER {name} BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, 'refused'); END")
            )
        elif dialect == "postgresql":
            conn.execute(
                text(
                    "CREATE OR REPLACE FUNCTION jaga_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"
                )
            )
            conn.execute(
                text(f"CREATE TRIGGER {name} BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION jaga_refuse()")
            )
        else:
            conn.execute(
                text(
                    f"CREATE TRIGGER {name} BEFORE DELETE ON {table} FOR EACH ROW "
                    "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'"
                )
            )
    engine.dispose()
