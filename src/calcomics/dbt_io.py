"""Glue for dbt Python models: move relations into pandas through Arrow."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa


def relation_to_pandas(relation: Any) -> pd.DataFrame:
    """A DuckDB relation as a pandas frame, via Arrow (cheaper than ``.df()`` on big relations).

    DuckDB ≥ 1.4 returns a ``RecordBatchReader`` from ``.arrow()``; older versions a ``Table``.
    """
    arrow = relation.arrow()
    if isinstance(arrow, pa.RecordBatchReader):
        arrow = arrow.read_all()
    return arrow.to_pandas()
