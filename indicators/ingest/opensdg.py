"""Open SDG indicator files: Year, disaggregations, GeoCode, Units, Series, Value."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from indicators.ingest.values import canonical_column, header_key

COUNTY = "32"  # Open SDG rows without a GeoCode are the reporting area itself: Akershus
_OWN = {"year": "period", "geocode": "region_code", "units": "unit", "value": "value"}
_SKIPPED = {"series", "serie"}  # Open SDG's Series is a code list, not our sub-series


def is_open_sdg(header: list[str], file_name: str) -> bool:
    """True for the Open SDG layout: Year first, Value last, no region column but GeoCode."""
    keys = [header_key(h) for h in header if h.strip()]
    if len(keys) < 2 or keys[0] != "year" or keys[-1] != "value":
        return False
    names = [canonical_column(k) for k in keys]
    if "indicator_id" in names:
        return False
    if any(n == "region_code" and k != "geocode" for n, k in zip(names, keys, strict=True)):
        return False
    named_so = re.match(r"indicator[_\- ]", file_name.rsplit("/", 1)[-1], flags=re.I)
    return bool(named_so) or bool({"units", "geocode", "series"} & set(keys))


def map_open_sdg(header: list[str], data: pd.DataFrame) -> tuple[dict[str, pd.Series],
                                                                  dict[str, str]]:
    """Standard columns from an Open SDG table, and the file's name for each of them."""
    columns: dict[str, pd.Series] = {}
    names: dict[str, str] = {}
    disaggregations: list[tuple[str, pd.Series]] = []
    for pos, name in enumerate(header):
        key = header_key(name)
        if not key or key in _SKIPPED:
            continue
        target = _OWN.get(key) or _optional(key)
        if target is None:
            disaggregations.append((name.strip(), data[pos].str.strip()))
        elif target not in columns:
            columns[target], names[target] = data[pos].str.strip(), name.strip()
    region = columns.get("region_code", pd.Series("", index=data.index, dtype=str))
    columns["region_code"] = region.where(region != "", COUNTY)
    columns["series"] = series_names(disaggregations, data.index)
    return columns, names


def _optional(key: str) -> str | None:
    """note, source and unit keep their meaning in Open SDG files too."""
    name = canonical_column(key)
    return name if name in ("note", "source", "unit") else None


def series_names(parts: list[tuple[str, pd.Series]], index: pd.Index) -> pd.Series:
    """"Kjønn=Kvinner; Alder=15-29" from disaggregation columns; all empty = headline ""."""
    result = np.full(len(index), "", dtype=object)
    for name, values in parts:
        filled = (values != "").to_numpy()
        part = (name + "=" + values).to_numpy(dtype=object)
        joined = np.where(result == "", part, result + "; " + part)
        result = np.where(filled, joined, result)
    return pd.Series(result, index=index, dtype=str)
