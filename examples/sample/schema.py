"""The sample company's databases: an HR/payroll BPO part and a CRM part, as SQLAlchemy Core tables.

Portable across SQLite, PostgreSQL and MariaDB: plain types, explicit string lengths, money as whole
rupiah in ``BigInteger``, timestamps as ``DateTime(timezone=True)`` (``timestamptz`` on PostgreSQL,
UTC wall-clock elsewhere). Every child table has a real foreign key to its subject table and an index
on it, because a data-subject request walks exactly those edges.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from jaga.identity import column_form

__all__ = ["TABLES", "build_metadata", "create_schema", "drop_schema", "metadata"]

#: Table names in dependency order (parents first): the order rows are inserted in.
TABLES: tuple[str, ...] = (
    "employees",
    "bank_accounts",
    "payslips",
    "attendance",
    "tax_filings",
    "customers",
    "contacts",
    "orders",
    "invoices",
    "marketing_lists",
    "marketing_subscriptions",
    "support_tickets",
    "web_events",
)


def _ts(name: str, nullable: bool = False) -> Column[object]:
    return Column(name, DateTime(timezone=True), nullable=nullable)


def build_metadata(schema: str | None = None) -> MetaData:
    """A fresh ``MetaData`` holding the sample tables, optionally inside database schema ``schema``."""
    md = MetaData(schema=schema)

    # -- HR / payroll (BPO) -------------------------------------------------------------------------
    Table(
        "employees",
        md,
        Column("id", Integer, primary_key=True),
        Column("employee_no", String(20), nullable=False, unique=True),
        Column("full_name", String(120), nullable=False),
        Column("nik", String(16), nullable=False, unique=True),
        Column("kk_number", String(16), nullable=False),
        Column("npwp", String(20), nullable=False),
        Column("bpjs_kesehatan", String(13), nullable=False),
        Column("bpjs_ketenagakerjaan", String(11), nullable=False),
        Column("email", String(120), nullable=False),
        Column("phone", String(16), nullable=False),
        Column("date_of_birth", Date, nullable=False),
        Column("address", String(200), nullable=False),
        _ts("hired_at"),
        _ts("terminated_at", nullable=True),
        _ts("created_at"),
        Index("ix_employees_email", "email"),
        Index("ix_employees_kk_number", "kk_number"),
    )
    Table(
        "bank_accounts",
        md,
        Column("id", Integer, primary_key=True),
        Column("employee_id", Integer, ForeignKey("employees.id"), nullable=False, index=True),
        Column("bank_name", String(60), nullable=False),
        Column("account_number", String(20), nullable=False),
        Column("account_holder", String(120), nullable=False),
    )
    Table(
        "payslips",
        md,
        Column("id", Integer, primary_key=True),
        Column("employee_id", Integer, ForeignKey("employees.id"), nullable=False, index=True),
        Column("period", Date, nullable=False),
        Column("gross_salary", BigInteger, nullable=False),
        Column("net_salary", BigInteger, nullable=False),
        Column("tax_withheld", BigInteger, nullable=False),
        Column("bpjs_deduction", BigInteger, nullable=False),
        _ts("created_at"),
    )
    Table(
        "attendance",
        md,
        Column("id", Integer, primary_key=True),
        Column("employee_id", Integer, ForeignKey("employees.id"), nullable=False, index=True),
        Column("day", Date, nullable=False),
        _ts("check_in"),
        _ts("check_out", nullable=True),
    )
    Table(
        "tax_filings",
        md,
        Column("id", Integer, primary_key=True),
        Column("employee_id", Integer, ForeignKey("employees.id"), nullable=False, index=True),
        Column("year", SmallInteger, nullable=False),
        Column("npwp", String(20), nullable=False),
        Column("form", String(10), nullable=False),
        _ts("filed_at"),
    )

    # -- CRM -----------------------------------------------------------------------------------------
    Table(
        "customers",
        md,
        Column("id", Integer, primary_key=True),
        Column("customer_no", String(20), nullable=False, unique=True),
        Column("full_name", String(120), nullable=False),
        Column("email", String(120), nullable=False),
        Column("phone", String(16), nullable=False),
        Column("nik", String(16), nullable=True, unique=True),
        Column("kk_number", String(16), nullable=True),
        Column("date_of_birth", Date, nullable=True),
        Column("city", String(60), nullable=False),
        Column("province", String(60), nullable=False),
        _ts("created_at"),
        _ts("last_activity_at"),
        _ts("closed_at", nullable=True),
        Index("ix_customers_email", "email"),
        Index("ix_customers_phone", "phone"),
        Index("ix_customers_kk_number", "kk_number"),
    )
    Table(
        "contacts",
        md,
        Column("id", Integer, primary_key=True),
        Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
        Column("kind", String(10), nullable=False),
        Column("value", String(200), nullable=False),
    )
    Table(
        "orders",
        md,
        Column("id", Integer, primary_key=True),
        Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
        Column("order_no", String(16), nullable=False, unique=True),
        Column("total", BigInteger, nullable=False),
        _ts("created_at"),
    )
    Table(
        "invoices",
        md,
        Column("id", Integer, primary_key=True),
        Column("order_id", Integer, ForeignKey("orders.id"), nullable=False, index=True),
        Column("invoice_no", String(24), nullable=False, unique=True),
        Column("amount", BigInteger, nullable=False),
        Column("npwp", String(20), nullable=True),
        _ts("issued_at"),
    )
    Table(
        "marketing_lists",
        md,
        Column("id", Integer, primary_key=True),
        Column("name", String(60), nullable=False, unique=True),
    )
    Table(
        "marketing_subscriptions",
        md,
        Column("id", Integer, primary_key=True),
        Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
        Column("list_id", Integer, ForeignKey("marketing_lists.id"), nullable=False),
        _ts("subscribed_at"),
        UniqueConstraint("customer_id", "list_id", name="uq_marketing_subscriptions_customer_list"),
    )
    Table(
        "support_tickets",
        md,
        Column("id", Integer, primary_key=True),
        Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False, index=True),
        Column("subject", String(200), nullable=False),
        Column("body", Text, nullable=False),
        _ts("created_at"),
    )
    Table(
        "web_events",
        md,
        Column("id", Integer, primary_key=True),
        Column("customer_id", Integer, ForeignKey("customers.id"), nullable=True, index=True),
        Column("cookie_id", String(36), nullable=False, index=True),
        Column("ip_address", String(45), nullable=False),
        Column("path", String(200), nullable=False),
        _ts("at"),
    )
    # jaga finds a person by an identity column's stored form (jaga.identity.column_form: lower(email);
    # phone and NIK without separators), so that any spelling matches; on PostgreSQL an index on the same
    # expression keeps those lookups indexed (MariaDB compares emails without case through the plain
    # index above; SQLite, the small embedded demo, scans, and its reflection would warn about them)
    for table, column, kind in _IDENTITY_COLUMNS:
        found = md.tables[f"{schema}.{table}" if schema else table]
        Index(f"ix_{table}_{column}_form", column_form(kind, found.c[column])).ddl_if(dialect="postgresql")
    return md


_IDENTITY_COLUMNS = (
    ("employees", "email", "email"),
    ("employees", "nik", "nik"),
    ("customers", "email", "email"),
    ("customers", "phone", "phone"),
    ("customers", "nik", "nik"),
)


#: The sample tables in the connection's default schema.
metadata: MetaData = build_metadata()


def create_schema(engine: Engine, md: MetaData = metadata) -> None:
    """Create every sample table (and its indexes) that does not exist yet."""
    md.create_all(engine)


def drop_schema(engine: Engine, md: MetaData = metadata) -> None:
    """Drop every sample table, children first."""
    md.drop_all(engine)
