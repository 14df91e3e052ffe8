"""The subject graph of a data map: which field's values find rows in which table, and in what order
tables may be changed without breaking foreign keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from jaga.datamap.model import Collection, DataMap, Dataset, Direction

Node = tuple[str, str]  # (dataset, collection)


@dataclass(frozen=True)
class Edge:
    """Values of ``src``.``src_field`` select the rows of ``dst`` whose ``dst_field`` holds them."""

    src: Node
    src_field: str
    dst: Node
    dst_field: str
    refers: bool = True
    """Whether ``dst_field`` is the referring side (a foreign key in ``dst``), not the referenced one."""


def edges(datamap: DataMap) -> list[Edge]:
    """Every traversal edge declared by references (direction decides which way keys flow)."""
    out: list[Edge] = []
    for ds, coll in datamap.collections():
        here = (ds.key, coll.name)
        for fld in coll.fields:
            for ref in fld.references:
                there = (ref.dataset, ref.collection)
                if datamap.skipped(*there):
                    continue  # a skip_processing table is out of the graph, and so are its links
                if ref.direction in (Direction.from_, Direction.both):
                    out.append(Edge(there, ref.field, here, fld.name))
                if ref.direction in (Direction.to, Direction.both):
                    out.append(Edge(here, fld.name, there, ref.field, refers=False))
    return out


def seeded(datamap: DataMap) -> set[Node]:
    """Tables with an identity field: where every traversal starts."""
    return {(d.key, c.name) for d, c in datamap.collections() if any(f.identity for f in c.fields)}


def reachable(datamap: DataMap) -> set[Node]:
    """Tables a traversal can reach from some identity."""
    graph: dict[Node, set[Node]] = {}
    for e in edges(datamap):
        graph.setdefault(e.src, set()).add(e.dst)
    seen = set(seeded(datamap))
    stack = list(seen)
    while stack:
        for nxt in graph.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _components(nodes: list[Node], graph: dict[Node, set[Node]]) -> list[list[Node]]:
    """Strongly connected components (Tarjan, iterative so deep maps cannot overflow the stack)."""
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    on_stack: set[Node] = set()
    stack: list[Node] = []
    result: list[list[Node]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                result.append(comp)
    return result


def unseeded_cycles(datamap: DataMap) -> list[list[tuple[Dataset, Collection]]]:
    """Reference cycles that no identity reaches: their rows could never be attributed to a subject."""
    graph: dict[Node, set[Node]] = {}
    for e in edges(datamap):
        graph.setdefault(e.src, set()).add(e.dst)
    nodes = [(d.key, c.name) for d, c in datamap.collections()]
    reach = reachable(datamap)
    lookup = {(d.key, c.name): (d, c) for d, c in datamap.collections()}
    cycles = []
    for comp in _components(nodes, graph):
        is_cycle = len(comp) > 1 or comp[0] in graph.get(comp[0], set())
        if is_cycle and not any(n in reach for n in comp):
            cycles.append([lookup[n] for n in sorted(comp, key=nodes.index)])
    return cycles


def parents(datamap: DataMap) -> dict[Node, set[Node]]:
    """Table -> tables it points to. The table holding a reference is the child (the foreign-key side)."""
    out: dict[Node, set[Node]] = {}
    for ds, coll in datamap.collections():
        for fld in coll.fields:
            for ref in fld.references:
                there = (ref.dataset, ref.collection)
                if there != (ds.key, coll.name) and not datamap.skipped(*there):
                    out.setdefault((ds.key, coll.name), set()).add(there)
    return out


def declared_order(datamap: DataMap) -> dict[Node, set[Node]]:
    """Table -> tables the map says must be processed before it: Fides' ``after`` and ``erase_after``
    of a collection (``dataset.collection`` addresses) and ``after`` of a dataset (all its tables)."""
    out: dict[Node, set[Node]] = {}
    for ds, coll in datamap.collections():
        before = out.setdefault((ds.key, coll.name), set())
        for address in (*coll.after, *coll.erase_after):
            key, _, name = address.partition(".")
            before.add((key, name))
        for key in ds.after:
            before |= {(key, c.name) for d, c in datamap.collections() if d.key == key}
    return out


def waves(datamap: DataMap, nodes: set[Node], ups: Mapping[Node, set[Node]] | None = None) -> list[list[Node]]:
    """``nodes`` in waves: every child is in an earlier wave than its parents, and the tables of one wave
    never reference each other, so a wave's deletes can run side by side without breaking an FK.
    ``ups`` (child -> parents) defaults to the map's references; :class:`Links` adds the database's. A
    table the map orders ``after`` others (:func:`declared_order`) waits for them as well."""
    ups = parents(datamap) if ups is None else ups
    before = declared_order(datamap)
    remaining = [(d.key, c.name) for d, c in datamap.collections() if (d.key, c.name) in nodes]
    result: list[list[Node]] = []
    while remaining:
        # a node is ready when no remaining node is its child or declared to come before it
        ready = [
            n
            for n in remaining
            if not any(n in ups.get(m, set()) or m in before.get(n, set()) for m in remaining if m != n)
        ]
        wave = ready or remaining[:1]  # an FK cycle: break it where the map starts
        result.append(wave)
        remaining = [n for n in remaining if n not in wave]
    return result


def children_first(datamap: DataMap, nodes: set[Node]) -> list[Node]:
    """``nodes`` ordered so that every child comes before its parents (deletes never violate an FK)."""
    return [node for wave in waves(datamap, nodes) for node in wave]


def owners(datamap: DataMap, links: Sequence[Edge]) -> dict[Node, frozenset[str]]:
    """Per table, the fields through which a row found there is the subject's own.

    What the map names (``jaga: {owner: customer_id}``) wins. Otherwise a table with identity columns
    is owned through them, and a table reached through references into exactly one of its columns is
    owned through that column (a payslip through ``employee_id``). A table reached through several
    (a ticket through ``customer_id`` and ``employee_id``) has no owner until the map names one: its
    rows are never deleted, only the link to the subject is masked.
    """
    into: dict[Node, set[str]] = {}
    for e in links:
        if e.src != e.dst:
            into.setdefault(e.dst, set()).add(e.dst_field)
    out: dict[Node, frozenset[str]] = {}
    for ds, coll in datamap.collections():
        node = (ds.key, coll.name)
        identities = {f.name for f in coll.fields if f.identity}
        reached = into.get(node, set())
        out[node] = frozenset(coll.owner or identities or (reached if len(reached) == 1 else ()))
    return out


@dataclass(frozen=True)
class ForeignKey:
    """A single-column foreign key as the database has it: ``child.column`` points at ``parent.field``.
    ``child`` is None for a table the map does not list."""

    child: Node | None
    column: str
    parent: Node
    field: str
    table: str = ""


@dataclass
class Links:
    """How a batch moves between tables: the map's references plus the database's own foreign keys.

    A foreign key the map does not declare still orders the steps (children first) and still leads from
    a parent row to the rows that point at it, so an erasure neither trips over it nor misses its rows.
    ``pinned`` are tables whose rows must stay (erased in place): a table the map does not list points
    at them, or a row that is not the subject's points at them through a link that cannot be cleared.
    """

    edges: list[Edge]
    parents: dict[Node, set[Node]]
    owners: dict[Node, frozenset[str]]
    pinned: set[Node] = field(default_factory=set)
    undeclared: list[ForeignKey] = field(default_factory=list)


def links(datamap: DataMap, keys: Sequence[ForeignKey] = ()) -> Links:
    """:class:`Links` from the map and the live foreign keys ``keys`` (none: the map alone)."""
    declared = edges(datamap)
    known = {(e.src, e.src_field, e.dst, e.dst_field) for e in declared}
    known |= {(e.dst, e.dst_field, e.src, e.src_field) for e in declared}
    ups = parents(datamap)
    extra: list[Edge] = []
    undeclared: list[ForeignKey] = []
    pinned: set[Node] = set()
    for fk in keys:
        if fk.child is None:
            pinned.add(fk.parent)
            undeclared.append(fk)
            continue
        if fk.child != fk.parent:
            ups.setdefault(fk.child, set()).add(fk.parent)
        if (fk.parent, fk.field, fk.child, fk.column) not in known:
            extra.append(Edge(fk.parent, fk.field, fk.child, fk.column))
            undeclared.append(fk)
    everything = declared + extra
    return Links(everything, ups, owners(datamap, everything), pinned, undeclared)
