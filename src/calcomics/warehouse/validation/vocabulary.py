"""The one vocabulary of the raw files, read from the dbt source YAML.

``warehouse/models/staging/_raw__sources.yml`` says, for every raw table, which columns must
exist (its ``columns``), which are integers or numbers (the ``types`` of its
``external_location``), how each value is normalised (column ``meta: {normalise: ...}``) and
which rules each column obeys (its dbt ``data_tests``). The dbt build runs those tests on the
normalised values (generic tests ``raw_accepted_values``, ``raw_relationships`` and macro
``raw_column``); :mod:`calcomics.warehouse.validation.raw_files` builds its Great
Expectations suites
from the same rules through this module, after the same normalisation, so a value passes
``calcomics validate`` exactly when it passes the dbt tests.

An installed package has no dbt project beside it, so the rules also ship as
``calcomics/data/raw_vocabulary.json``, written by
``python -m calcomics.warehouse.validation.vocabulary``
from the YAML (seed lists resolved); a test fails while the two differ.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from calcomics.reference import data_path

RAW_SOURCES_YML = Path("warehouse/models/staging/_raw__sources.yml")
PACKAGED_NAME = "raw_vocabulary.json"
SOURCE_NAME = "raw"
# Pseudo-column holding the rules of every sample cell of a wide matrix (table meta
# ``sample_cells``; the dbt tests sit on the staging model's long value column).
SAMPLE_CELLS = "*"

# Normalisations; their SQL is macro normalise_raw_value (warehouse/macros/raw_vocabulary.sql).
NORMALISATIONS: tuple[str, ...] = ("trim", "lower", "upper", "birads", "chromosome")
NUMERIC_TYPES: dict[str, str] = {
    "TINYINT": "integer", "SMALLINT": "integer", "INTEGER": "integer", "BIGINT": "integer",
    "DOUBLE": "number", "FLOAT": "number", "REAL": "number", "DECIMAL": "number",
}
# dbt data tests a raw column may carry; any other name is an error, so no rule can sit in
# the YAML without a Great Expectations counterpart.
KNOWN_TESTS: tuple[str, ...] = (
    "not_null", "unique", "raw_accepted_values", "values_between", "raw_relationships",
    "not_less_than_column", "raw_unique_within", "raw_present_together", "not_less_than_sum",
    "raw_annotated_as",
)


@dataclass(frozen=True)
class ColumnRules:
    """Every rule of one raw column (absent rules are ``None`` / ``False``)."""

    name: str
    normalise: str | None = None
    numeric: str | None = None  # "integer" or "number"
    required: bool = False
    unique: bool = False
    accepted: tuple[str, ...] | None = None  # allowed normalised values (seed lists resolved)
    member_of: tuple[str, str] | None = None  # (raw table, column): value must occur there
    between: tuple[float | None, float | None] | None = None
    not_less_than: str | None = None  # another column of the same row
    unique_within: tuple[str, ...] | None = None  # unique within groups of these columns
    present_with: str | None = None  # another column: both given or both empty on every row
    not_less_than_sum: tuple[str, ...] | None = None  # >= the sum of these columns (all given)
    # (raw table, key column, column, value): where the value is a key of that table, the
    # table's column must equal value there (e.g. a lipidomics feature annotated as lipidomics)
    annotated_as: tuple[str, str, str, str] | None = None


Vocabulary = dict[str, tuple[ColumnRules, ...]]


# --- normalisation (the Python twin of macro normalise_raw_value) ------------------------


def normalise(values: pd.Series, how: str | None) -> pd.Series:
    """Normalise text cells as the staging models do; missing cells stay missing.

    Parameters
    ----------
    values : pandas.Series
        Raw cells as text (``NaN`` for an empty cell).
    how : str or None
        One of :data:`NORMALISATIONS`, or ``None`` for the value as written.
    """
    if how is None:
        return values
    text = values.astype("string")
    if how == "trim":
        out = text.str.strip()
    elif how == "lower":
        out = text.str.strip().str.lower()
    elif how == "upper":
        out = text.str.strip().str.upper()
    elif how == "birads":
        trimmed = text.str.strip()
        out = trimmed.str.upper().mask(trimmed.str.lower() == "none", "none")
    elif how == "chromosome":
        bare = text.str.replace("chr", "", regex=False)
        out = ("chr" + bare).mask(bare == "23", "chrX").mask(bare == "24", "chrY")
    else:
        raise ValueError(f"unknown normalisation {how!r} (known: {', '.join(NORMALISATIONS)})")
    return out.astype(object).where(values.notna(), None)


# --- reading the YAML --------------------------------------------------------------------


def _column_types(external_location: str) -> dict[str, str]:
    """``{column: DuckDB type}`` from the ``types = struct_pack(...)`` of a source."""
    return {name: kind.upper() for name, kind in
            re.findall(r"(\w+)\s*:=\s*'(\w+)'", external_location)}


def _test_name_and_arguments(test) -> tuple[str, dict]:
    if isinstance(test, str):
        return test, {}
    (name, body), = test.items()
    body = body or {}
    return name, dict(body.get("arguments", {}))


def _ref_target(expression: str) -> tuple[str, ...]:
    """``source('raw', 'clinical')`` -> ``('source', 'raw', 'clinical')``; ``ref('x')`` too."""
    match = re.fullmatch(r"\s*(source|ref)\((.*)\)\s*", expression)
    if match is None:
        raise ValueError(f"cannot read relationship target {expression!r}")
    names = re.findall(r"'([^']*)'|\"([^\"]*)\"", match.group(2))
    return (match.group(1), *[a or b for a, b in names])


def _seed_values(project_dir: Path, seed: str, field: str) -> tuple[str, ...]:
    import yaml

    config = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    for folder in config.get("seed-paths", ["seeds"]):
        path = project_dir / folder / f"{seed}.csv"
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as handle:
                return tuple(sorted({row[field] for row in csv.DictReader(handle)}))
    raise FileNotFoundError(f"seed {seed!r} not found under {project_dir} seed-paths")


def _column_rules(name: str, spec: dict, numeric: str | None, project_dir: Path,
                  where: str) -> ColumnRules:
    meta = {**(spec.get("meta") or {}), **((spec.get("config") or {}).get("meta") or {})}
    how = meta.get("normalise")
    if how is not None and how not in NORMALISATIONS:
        raise ValueError(f"{where}: unknown normalise {how!r}")
    rules: dict = {"name": name, "normalise": how, "numeric": numeric}
    for test in spec.get("data_tests") or spec.get("tests") or []:
        kind, arguments = _test_name_and_arguments(test)
        if kind == "not_null":
            rules["required"] = True
        elif kind == "unique":
            rules["unique"] = True
        elif kind == "raw_accepted_values":
            rules["accepted"] = tuple(sorted(str(v) for v in arguments["values"]))
        elif kind == "values_between":
            rules["between"] = (arguments.get("min_value"), arguments.get("max_value"))
        elif kind == "not_less_than_column":
            rules["not_less_than"] = arguments["other_column"]
        elif kind == "raw_unique_within":
            rules["unique_within"] = tuple(arguments["columns"])
        elif kind == "raw_present_together":
            rules["present_with"] = arguments["other_column"]
        elif kind == "not_less_than_sum":
            rules["not_less_than_sum"] = tuple(arguments["columns"])
        elif kind == "raw_annotated_as":
            target = _ref_target(arguments["to"])
            if target[:2] != ("source", SOURCE_NAME):
                raise ValueError(f"{where}: raw_annotated_as to {arguments['to']!r} is not a "
                                 "raw table")
            rules["annotated_as"] = (target[2], arguments["field"], arguments["column"],
                                     str(arguments["value"]))
        elif kind == "raw_relationships":
            target = _ref_target(arguments["to"])
            if target[0] == "source" and target[1] == SOURCE_NAME:
                rules["member_of"] = (target[2], arguments["field"])
            elif target[0] == "ref":
                rules["accepted"] = _seed_values(project_dir, target[1], arguments["field"])
            else:
                raise ValueError(f"{where}: raw_relationships to {arguments['to']!r} is not "
                                 "a raw table or a seed")
        else:
            raise ValueError(
                f"{where}: data test {kind!r} has no Great Expectations counterpart in "
                f"calcomics.warehouse.validation.vocabulary (known: {', '.join(KNOWN_TESTS)})"
            )
    return ColumnRules(**rules)


def read_vocabulary(project_dir: Path, tables: tuple[str, ...] | None = None) -> Vocabulary:
    """Rules of the raw tables as declared in the dbt project's ``_raw__sources.yml``.

    Parameters
    ----------
    project_dir : Path
        The dbt project folder (holding ``dbt_project.yml``).
    tables : tuple of str, optional
        Source tables to read (default: every raw file of
        :data:`calcomics.warehouse.raw_layout.RAW_FILES`).
    """
    import yaml

    from calcomics.warehouse.raw_layout import RAW_FILES

    project_dir = Path(project_dir)
    document = yaml.safe_load((project_dir / RAW_SOURCES_YML).read_text(encoding="utf-8"))
    source = next(s for s in document["sources"] if s["name"] == SOURCE_NAME)
    by_name = {table["name"]: table for table in source["tables"]}
    vocabulary: Vocabulary = {}
    for table_name in tables or tuple(RAW_FILES):
        table = by_name[table_name]
        location = ((table.get("config") or {}).get("external_location")) or ""
        types = _column_types(location)
        columns = [
            _column_rules(
                column["name"], column, NUMERIC_TYPES.get(types.get(column["name"], "")),
                project_dir, f"{RAW_SOURCES_YML}: {table_name}.{column['name']}",
            )
            for column in table.get("columns") or []
        ]
        cells = ((table.get("config") or {}).get("meta") or {}).get("sample_cells")
        if cells is not None:
            columns.append(_sample_cell_rules(cells))
        vocabulary[table_name] = tuple(columns)
    return vocabulary


def _sample_cell_rules(cells: dict) -> ColumnRules:
    """Rules of every sample cell of a wide matrix (always numbers)."""
    low, high = cells.get("min_value"), cells.get("max_value")
    between = None if low is None and high is None else (low, high)
    return ColumnRules(name=SAMPLE_CELLS, numeric="number",
                       required=bool(cells.get("not_null")), between=between)


# --- packaged copy -----------------------------------------------------------------------


def to_json(vocabulary: Vocabulary) -> str:
    """The packaged copy: one JSON object per column rule, one rule per line."""
    tables = []
    for table, rules in vocabulary.items():
        lines = ",\n".join(f"   {json.dumps(asdict(rule), ensure_ascii=False)}" for rule in rules)
        tables.append(f"  {json.dumps(table)}: [\n{lines}\n  ]")
    return (
        "{\n"
        f' "generated_from": {json.dumps(str(RAW_SOURCES_YML))},\n'
        ' "regenerate_with": "python -m calcomics.warehouse.validation.vocabulary",\n'
        ' "tables": {\n' + ",\n".join(tables) + "\n }\n}\n"
    )


def from_json(text: str) -> Vocabulary:
    def rule(entry: dict) -> ColumnRules:
        for key in ("accepted", "member_of", "between", "unique_within", "not_less_than_sum",
                    "annotated_as"):
            if entry.get(key) is not None:
                entry[key] = tuple(entry[key])
        return ColumnRules(**entry)

    tables = json.loads(text)["tables"]
    return {table: tuple(rule(dict(e)) for e in entries) for table, entries in tables.items()}


def packaged_vocabulary() -> Vocabulary:
    """The rules as shipped with the package (a copy of the YAML, kept equal by a test)."""
    return from_json((resources.files("calcomics") / "data" / PACKAGED_NAME).read_text("utf-8"))


def load_vocabulary(project_dir: Path | None = None) -> Vocabulary:
    """The YAML of ``project_dir`` when given, else the packaged copy."""
    return packaged_vocabulary() if project_dir is None else read_vocabulary(Path(project_dir))


def packaged_path() -> Path:
    """The packaged copy of the rules, in ``calcomics/data`` (rewritten by ``main``)."""
    return data_path(PACKAGED_NAME)


def main(argv: list[str] | None = None) -> int:
    """Rewrite the packaged copy from the project YAML (``project_dir`` argument or cwd)."""
    from calcomics.warehouse.build import find_project_dir

    args = sys.argv[1:] if argv is None else argv
    project_dir = Path(args[0]) if args else find_project_dir()
    packaged_path().write_text(to_json(read_vocabulary(project_dir)), encoding="utf-8")
    print(f"wrote {packaged_path()} from {project_dir / RAW_SOURCES_YML}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
