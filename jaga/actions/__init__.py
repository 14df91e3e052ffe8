"""Executors that change or read the company's databases for data-subject requests: erase (with
per-category strategies), restrict, rectify and export. Each works on one table for a whole batch."""

from jaga.actions.erase import coerce_value, delete_rows, leftovers, rectify_rows, restrict_rows, update_rows
from jaga.actions.export import ExportMeta, Staging, export_table, package, read_export, visible_columns
from jaga.actions.strategies import ColumnPlan, column_plan, compute, default_strategy

__all__ = [
    "ColumnPlan",
    "ExportMeta",
    "Staging",
    "coerce_value",
    "column_plan",
    "compute",
    "default_strategy",
    "delete_rows",
    "export_table",
    "leftovers",
    "package",
    "read_export",
    "rectify_rows",
    "restrict_rows",
    "update_rows",
    "visible_columns",
]
