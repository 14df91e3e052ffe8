"""A sample company for demos, tests and benchmarks: an HR/payroll BPO and a CRM on one database.

``create_schema(engine)`` makes the tables, ``generate(engine, customers=N, employees=M, seed=42)``
fills them deterministically with Indonesian test data, and ``datamap.yaml`` beside this module
says where each data category lives (Fides dataset format, plus ``jaga:`` retention/erasure hints).
``TWINS`` names two customers and two employees who share a full name and a family-card number.

    python -m examples.sample --url sqlite:///sample.db --customers 10000 --employees 500
"""

from pathlib import Path

from examples.sample.generate import AS_OF, TWINS, Twins, generate, rows, twins
from examples.sample.schema import TABLES, build_metadata, create_schema, drop_schema, metadata

#: The data map of the sample databases (Fides dataset YAML with ``jaga:`` hints).
DATAMAP: Path = Path(__file__).with_name("datamap.yaml")

__all__ = [
    "AS_OF",
    "DATAMAP",
    "TABLES",
    "TWINS",
    "Twins",
    "build_metadata",
    "create_schema",
    "drop_schema",
    "generate",
    "metadata",
    "rows",
    "twins",
]
