"""The data map: where each data category of each subject lives in the company's databases.

Read from Fides dataset YAML (plus optional ``jaga:`` keys), drafted from a live database, and checked
against both the database and the policy.
"""

from jaga.datamap.connect import Connections, dataset_url, env_var
from jaga.datamap.coverage import held, undeclared, unlocated_notes
from jaga.datamap.graph import Edge, children_first, edges, reachable
from jaga.datamap.introspect import check_datamap, introspect
from jaga.datamap.loader import DataMapInvalid, load_datamap, parse_datamap
from jaga.datamap.model import Collection, DataMap, Dataset, Direction, Field, Reference, Strategy

__all__ = [
    "Collection",
    "Connections",
    "DataMap",
    "DataMapInvalid",
    "Dataset",
    "Direction",
    "Edge",
    "Field",
    "Reference",
    "Strategy",
    "check_datamap",
    "children_first",
    "dataset_url",
    "edges",
    "env_var",
    "held",
    "introspect",
    "load_datamap",
    "parse_datamap",
    "reachable",
    "undeclared",
    "unlocated_notes",
]
