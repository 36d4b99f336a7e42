"""The one canonical serialisation of the curation files (``osteokg fmt``).

Records sorted by ID, keys in the documented order, scalar lists inline, two-space indent,
UTF-8 without escapes. A test fails when a file is not canonical and names this command.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from . import atomic
from .constants import SEEDS_DIR
from .curation import (
    ASSERTION_FIELDS,
    CONCEPT_FIELDS,
    COVERAGE_FIELDS,
    EVIDENCE_FIELDS,
    VALUE_FIELDS,
)

_KEY_ORDER = {
    "concepts": CONCEPT_FIELDS,
    "assertions": ASSERTION_FIELDS,
    "coverage": COVERAGE_FIELDS,
}
_NESTED_ORDER = (*EVIDENCE_FIELDS, *VALUE_FIELDS)


class _Dumper(yaml.SafeDumper):
    """Block mappings, inline lists of scalars, block lists of records."""


def _represent_list(dumper: yaml.SafeDumper, data: list):
    flow = all(not isinstance(x, (dict, list)) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def _ordered(record: dict, order: tuple[str, ...]) -> dict:
    out = {k: record[k] for k in order if k in record}
    out.update({k: record[k] for k in sorted(record) if k not in out})  # unknown: kept, last
    for k, v in out.items():
        if isinstance(v, dict):
            out[k] = _ordered(v, _NESTED_ORDER)
        elif isinstance(v, list):
            out[k] = [_ordered(x, _NESTED_ORDER) if isinstance(x, dict) else x for x in v]
    return out


def _sort_key(kind: str, record: dict):
    if kind == "coverage":
        from .text import load_source

        order = {s.id: i for i, s in enumerate(load_source().sentences)}
        return (order.get(str(record.get("sentence")), 10**6), str(record.get("sentence")))
    return (str(record.get("id")),)


def canonical_text(kind: str, records: list) -> str:
    records = sorted((_ordered(r, _KEY_ORDER[kind]) for r in records),
                     key=lambda r: _sort_key(kind, r))
    return yaml.dump(records, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=4096, indent=2)


def canonical_files(seeds_dir: Path | None = None, *, write: bool) -> list[Path]:
    """Files that are not canonical; with ``write``, rewrite them (atomically)."""
    from .curation import read_plain

    seeds = Path(seeds_dir or SEEDS_DIR)
    changed = []
    for kind in _KEY_ORDER:
        for path in sorted((seeds / kind).glob("*.yaml")):
            current = path.read_text(encoding="utf-8")
            records = read_plain(path)  # strict: never expands an alias or a merge key
            wanted = canonical_text(kind, records)
            if wanted != current:
                changed.append(path)
                if write:
                    atomic.write_text(path, wanted)
    return changed
