"""What jaga does with each key of a Fides dataset file: the keys it honours, the ones that only describe,
and the translation of Fides' masking strategies into jaga's erase strategies.

Any key not named here is an error naming its file and line: a key read and then ignored would change
what a request does without anyone noticing (an ignored ``namespace.schema`` erases in the wrong schema).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jaga.datamap.model import Strategy

DESCRIPTIVE = frozenset({"name", "description", "organization_fides_key", "tags", "data_qualifier", "retention"})
"""Keys that document a dataset, collection or field and change nothing a request does."""

DATASET_KEYS = DESCRIPTIVE | {"fides_key", "meta", "collections", "fides_meta", "fidesops_meta", "jaga"}
COLLECTION_KEYS = DESCRIPTIVE | {"fields", "fides_meta", "fidesops_meta", "jaga"}
FIELD_KEYS = DESCRIPTIVE | {"data_categories", "fides_meta", "fidesops_meta", "jaga", "fields"}
DATASET_META = frozenset({"namespace", "after", "resource_id"})
NAMESPACE = frozenset({"schema", "database_name"})
COLLECTION_META = frozenset({"after", "erase_after", "skip_processing", "masking_strategy_override"})
FIELD_META = frozenset(
    {"references", "identity", "primary_key", "data_type", "length", "read_only", "masking_strategy_override"}
)
NOT_SUPPORTED = {
    "data_categories": "jaga reads data categories per field; annotate each field of this table",
    "partitioning": "jaga reads a table whole; remove the partitioning block",
    "return_all_elements": "jaga maps relational columns, not arrays",
    "custom_request_field": "jaga finds rows by identities; declare this column with fides_meta.identity",
    "project_id": "BigQuery namespaces are not supported; jaga reads SQL databases through SQLAlchemy",
    "dataset_id": "BigQuery namespaces are not supported; jaga reads SQL databases through SQLAlchemy",
}
"""Fides keys jaga knows and does not implement, with what to do instead."""

DATA_TYPES: dict[str, type | None] = {
    "string": str,
    "integer": int,
    "float": float,
    "boolean": bool,
    "date": date,
    "datetime": datetime,
    "bytes": bytes,
    "no_op": None,
}
"""Fides ``data_type`` values for a relational column (``date``, ``datetime`` and ``bytes``, which
``jaga discover`` writes, are jaga's own), with the Python type its values take; ``object``,
``object_id`` and arrays are not relational."""

FIELD_MASKING = {
    "null_rewrite": (Strategy.null, frozenset()),
    "string_rewrite": (Strategy.fixed, frozenset({"rewrite_value", "format_preservation"})),
}
"""Fides field masking strategy -> jaga strategy and the configuration keys jaga honours for it."""

SECRET_MASKING = frozenset({"hash", "hmac", "aes_encrypt"})
"""Strategies Fides refuses as a field's override because they need secret keys (its dataset validation
rejects ``postgres_example_invalid_masking_strategy_override_dataset.yml`` for one); jaga refuses them the
same way and names its own keyed hash instead."""


def fixed_value(strategy: str, config: dict[str, Any]) -> tuple[str | None, str | None]:
    """The value a ``string_rewrite`` writes (with a ``format_preservation.suffix`` appended), or a
    reason the configuration cannot be honoured."""
    preserve = config.get("format_preservation") or {}
    if not isinstance(preserve, dict) or set(preserve) - {"suffix"}:
        return None, "format_preservation takes only suffix"
    suffix = str(preserve.get("suffix") or "")
    if strategy == "string_rewrite":
        if config.get("rewrite_value") is None:
            return None, "string_rewrite needs configuration.rewrite_value"
        return str(config["rewrite_value"]) + suffix, None
    return None, None
