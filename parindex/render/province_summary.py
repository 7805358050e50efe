"""``province-summary-<year>.json``: the province's ranking, machine-readable.

```
{"year", "groups": [{"name", "max", "units": [{"code", "name", "total", "percent",
 "rank", "of", "grade", "status", "previous": {"total", "rank"} | null,
 "components": [{"code", "score", "max"}]}]}], "missing_units": [codes],
 "unusable_units": [codes], "weak_criteria": [{"group", "code", "name", "units_losing", "points_lost"}]}
```
Units are in rank order within their group (units without a total last); figures
are rounded to 2 decimals.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from parindex.numbers import round2
from parindex.province.rank import ProvinceResult


def _r(value: float | None) -> float | None:
    return None if value is None else round2(float(value))


def province_summary(result: ProvinceResult) -> dict[str, Any]:
    """The summary as a JSON-ready dict, keys in the contract's order."""
    components: dict[str, list[dict[str, Any]]] = {}
    for row in result.components.iter_rows(named=True):
        components.setdefault(row["unit"], []).append(
            {"code": row["code"], "score": _r(row["score"]), "max": _r(row["max"])}
        )
    groups = []
    for name, maximum in result.groups:
        units = []
        for row in result.units.filter(pl.col("group") == name).iter_rows(named=True):
            previous = None
            if row["previous_total"] is not None or row["previous_rank"] is not None:
                previous = {
                    "total": _r(row["previous_total"]),
                    "rank": row["previous_rank"],
                }
            units.append(
                {
                    "code": row["code"],
                    "name": row["name"],
                    "total": _r(row["total"]),
                    "percent": _r(row["percent"]),
                    "rank": row["rank"],
                    "of": row["of"],
                    "grade": row["grade"],
                    "status": row["status"],
                    "previous": previous,
                    "components": components.get(row["code"], []),
                }
            )
        groups.append({"name": name, "max": _r(maximum), "units": units})
    return {
        "year": result.year,
        "groups": groups,
        "missing_units": list(result.missing_units),
        "unusable_units": list(result.unusable_units),
        "weak_criteria": [
            {
                "group": row["group"],
                "code": row["code"],
                "name": row["name"],
                "units_losing": row["units_losing"],
                "points_lost": _r(row["points_lost"]),
            }
            for row in result.weak_criteria.iter_rows(named=True)
        ],
    }


def render_province_summary(result: ProvinceResult) -> bytes:
    """The summary as UTF-8 JSON bytes (Vietnamese kept readable, stable layout)."""
    text = json.dumps(province_summary(result), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")
