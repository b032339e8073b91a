"""Validate the raw files before anything is written to the warehouse.

Each file is first read as the warehouse's CSV reader will read it
(:mod:`calcomics.warehouse.validation.raw_text`: binary content, encoding, compression,
delimiter, header, ragged rows, comment lines), so a file DuckDB could not read, or would
read differently, is stopped with its line. Then the
tables (clinical, MAF, segments, metabolite annotation) and the headers of the wide matrices
are checked with Great Expectations suites, run in an ephemeral context with analytics
disabled. The suites are built from the one raw-data vocabulary, the dbt source YAML
(:mod:`calcomics.warehouse.validation.vocabulary`): the same required columns,
normalisation, allowed
values, ranges and relationships that the dbt build tests. The cells of the wide matrices
(up to millions of values) are checked with one vectorised pass per file instead of one
expectation per sample column. Every failure, from either path, is reported in the same
form: file, line, column, rule and offending values.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from calcomics.methods.transcriptomics.scale import (
    DECLARABLE_SCALES,
    DEFAULT_EXPRESSION_SCALE,
    ScaleEvidence,
    detect_expression_scale_in_blocks,
    scale_mismatch,
)
from calcomics.warehouse.raw_layout import (
    CLINICAL_MISSING_VALUES,
    COMMENTED_RAW_FILES,
    COMPRESSED_SUFFIX,
    RAW_FILES,
    REQUIRED_RAW_FILES,
    absent_layers,
    raw_file_path,
)
from calcomics.warehouse.validation.failures import MAX_EXAMPLES, Failure
from calcomics.warehouse.validation.passed_cache import (
    load_passed,
    store_passed,
    validation_key,
)
from calcomics.warehouse.validation.raw_text import RawText, read_raw_text
from calcomics.warehouse.validation.vocabulary import (
    SAMPLE_CELLS,
    ColumnRules,
    Vocabulary,
    load_vocabulary,
    normalise,
)

# Compressions DuckDB's read_csv or this validator do not read as raw files.
UNREAD_COMPRESSIONS: tuple[str, ...] = (".zip", ".bz2", ".xz", ".zst", ".7z")

NUMBER = r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$"
INTEGER = r"^\s*[-+]?\d+\s*$"
SAMPLE_NOT_IN_CLINICAL = "sample id not found among clinical.csv patient_id values"
FEATURE_NOT_ANNOTATED = "feature id not found in metabolite_annotation.tsv"
NO_PATIENT_ROWS = (
    "clinical.csv has no patient rows (header only); every omics sample id is checked "
    "against them"
)


@dataclass
class ValidationReport:
    """All failures found in a raw-data folder."""

    raw_dir: Path
    failures: list[Failure] = field(default_factory=list)
    checked_files: list[str] = field(default_factory=list)
    absent_files: list[str] = field(default_factory=list)
    n_expectations: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        absent = (
            f"\n  absent (their marts build empty; see rpt_analysis_coverage): "
            f"{', '.join(self.absent_files)}" if self.absent_files else ""
        )
        if self.ok:
            return (
                f"Raw data in {self.raw_dir}: {len(self.checked_files)} files, "
                f"{self.n_expectations} checks, all passed.{absent}"
            )
        lines = [
            f"Raw data in {self.raw_dir} failed validation: {len(self.failures)} problem(s); "
            "nothing was written to the warehouse."
        ]
        lines += [f"  - {f.message()}" for f in self.failures]
        return "\n".join(lines)


class RawDataError(Exception):
    """Raised when raw files break a rule; ``str()`` is the readable summary."""

    def __init__(self, report: ValidationReport):
        super().__init__(report.summary())
        self.report = report


# --- Great Expectations plumbing -------------------------------------------------------


def _gx():
    # Analytics off before GX is imported: patient data stays home, no outbound calls.
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations as gx

    return gx


# Results of recent suite runs by (name, frame content, expectations): validating a folder
# again (an import validates, then the build does; a user fixes one file and re-runs) runs
# GX only on what changed. The key holds every input of the run, so a hit is exactly the
# result a new run would give.
_RESULTS_CACHE: OrderedDict[tuple[str, str, str], list] = OrderedDict()
RESULTS_CACHE_SIZE = 64


def _frame_digest(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256(repr((list(frame.columns), list(frame.dtypes))).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def _expectations_digest(expectations: list) -> str:
    return hashlib.sha256(
        "\n".join(type(e).__name__ + e.json() for e in expectations).encode()).hexdigest()


class _Suites:
    """Runs expectation suites on pandas frames in one ephemeral GX context."""

    def __init__(self) -> None:
        gx = _gx()
        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.source = self.context.data_sources.add_pandas("raw_files")

    def run(self, name: str, frame: pd.DataFrame, expectations: list) -> list:
        key = (name, _frame_digest(frame), _expectations_digest(expectations))
        if key in _RESULTS_CACHE:
            _RESULTS_CACHE.move_to_end(key)
            return _RESULTS_CACHE[key]
        results = self._validate(name, frame, expectations)
        _RESULTS_CACHE[key] = results
        while len(_RESULTS_CACHE) > RESULTS_CACHE_SIZE:
            _RESULTS_CACHE.popitem(last=False)
        return results

    def _validate(self, name: str, frame: pd.DataFrame, expectations: list) -> list:
        asset = self.source.add_dataframe_asset(name)
        batch = asset.add_batch_definition_whole_dataframe(f"{name}_all").get_batch(
            batch_parameters={"dataframe": frame}
        )
        suite = self.gx.ExpectationSuite(name=f"{name}_suite")
        for expectation in expectations:
            suite.add_expectation(expectation)
        # GX 1.x draws a tqdm bar per validation whatever the context's progress_bars
        # setting (it passes disable=False); keep the user's terminal for the summary.
        with contextlib.redirect_stderr(io.StringIO()):
            return batch.validate(suite, result_format="COMPLETE").results


def _bound(value) -> str:
    if value is None:
        return "∞"
    return str(int(value)) if float(value).is_integer() else str(value)


def _rule_text(config) -> str:
    kwargs = config.kwargs
    kind = config.type
    if config.meta and config.meta.get("rule"):
        return str(config.meta["rule"])
    if kind == "expect_column_to_exist":
        return "required column is missing"
    if kind == "expect_column_values_to_not_be_null":
        return "value is required (empty cell)"
    if kind == "expect_column_values_to_be_unique":
        return "values must be unique (duplicate)"
    if kind == "expect_column_values_to_be_in_set":
        values = sorted(map(str, kwargs["value_set"]))
        shown = ", ".join(values) if len(values) <= 12 else f"{len(values)} known ids"
        return f"value not allowed (allowed: {shown})"
    if kind == "expect_column_values_to_match_regex":
        return "value must be an integer" if kwargs["regex"] == INTEGER else "value must be numeric"
    if kind == "expect_column_values_to_be_between":
        low, high = _bound(kwargs.get("min_value")), _bound(kwargs.get("max_value"))
        return f"value must lie in [{low}, {high}]"
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        return f"{kwargs['column_A']} must be >= {kwargs['column_B']}"
    return kind


def _shown(value) -> str:
    return "empty" if value is None or (isinstance(value, float) and np.isnan(value)) else (
        str(value))


def _failures_from(
    results: Iterable, file: str, frame_index_to_line, frame: pd.DataFrame | None = None
) -> list[Failure]:
    """Failures of a suite's results; an expectation whose meta names ``show`` columns (rules
    on several columns) shows those columns' values of the failing rows."""
    failures = []
    for result in results:
        if result.success:
            continue
        config = result.expectation_config
        meta = config.meta or {}
        column = meta.get("column") or config.kwargs.get("column") or config.kwargs.get(
            "column_A")
        info = result.result or {}
        index = info.get("unexpected_index_list") or []
        lines = tuple(sorted({frame_index_to_line(i) for i in index}))
        examples = tuple(dict.fromkeys(map(str, info.get("partial_unexpected_list") or [])))
        if config.type == "expect_column_values_to_not_be_null":
            examples = ()  # the offending value is the empty cell itself
        if meta.get("show") and frame is not None:
            examples = tuple(dict.fromkeys(
                ", ".join(f"{c}={_shown(frame.at[i, c])}" for c in meta["show"])
                for i in index[:MAX_EXAMPLES]))
        count = int(info.get("unexpected_count") or 0)
        failures.append(Failure(file, column, _rule_text(config), lines, examples, count))
    return failures


# --- reading ---------------------------------------------------------------------------


def _read_text_table(
    path: Path, sep: str, missing_values: tuple[str, ...] = ("",), comments: bool = False
) -> tuple[pd.DataFrame | None, list[Failure], RawText | None]:
    """Read every cell as text (``missing_values`` as null); a file the warehouse could not
    read becomes Failures naming its line, never a traceback."""
    raw, failures = read_raw_text(path, sep, comments)
    if raw is None:
        return None, failures, None
    frame = pd.read_csv(
        io.StringIO(raw.body), sep=sep, dtype=str, keep_default_na=False,
        na_values=list(missing_values), skip_blank_lines=False,
    )
    return frame, [], raw


# --- suites per file -------------------------------------------------------------------


def _column_expectations(
    gx, frame: pd.DataFrame, required: dict[str, dict], with_numeric: bool = True
) -> list:
    expectations = []
    for column, rules in required.items():
        if column not in frame.columns:
            expectations.append(gx.expectations.ExpectColumnToExist(column=column))
            continue
        if rules.get("required"):
            expectations.append(gx.expectations.ExpectColumnValuesToNotBeNull(column=column))
        if rules.get("unique"):
            expectations.append(gx.expectations.ExpectColumnValuesToBeUnique(column=column))
        if "in_set" in rules:
            meta = {"rule": rules["in_set_rule"]} if "in_set_rule" in rules else None
            expectations.append(
                gx.expectations.ExpectColumnValuesToBeInSet(
                    column=column, value_set=sorted(rules["in_set"]), meta=meta
                )
            )
        if rules.get("numeric"):
            pattern = INTEGER if rules["numeric"] == "integer" else NUMBER
            expectations.append(
                gx.expectations.ExpectColumnValuesToMatchRegex(column=column, regex=pattern)
            )
        if "not_in_set" in rules:
            expectations.append(
                gx.expectations.ExpectColumnValuesToNotBeInSet(
                    column=column, value_set=sorted(rules["not_in_set"]),
                    meta={"rule": rules["not_in_set_rule"],
                          "vocabulary": rules["not_in_set_vocabulary"]},
                )
            )
        if "between" in rules and with_numeric:
            low, high = rules["between"]
            expectations.append(
                gx.expectations.ExpectColumnValuesToBeBetween(
                    column=column + NUMERIC_SUFFIX, min_value=low, max_value=high
                )
            )
    return expectations


NUMERIC_SUFFIX = "__number"
GIVEN_SUFFIX = "__given"
SUM_SUFFIX = "__sum"


def _with_numeric_copies(
    frame: pd.DataFrame, required: dict[str, dict], pair_columns: Iterable[str] = ()
) -> pd.DataFrame:
    """Add ``<col>__number`` copies so range and pair checks run on numbers, not text."""
    out = frame.copy()
    ranged = [c for c, rules in required.items() if "between" in rules]
    for column in dict.fromkeys([*ranged, *pair_columns]):
        if column in out.columns:
            out[column + NUMERIC_SUFFIX] = pd.to_numeric(out[column], errors="coerce")
    return out


def _without_numeric_suffix(failures: list[Failure]) -> list[Failure]:
    """Report failures under the file's own column names."""
    return [
        Failure(f.file, (f.column or "").replace(NUMERIC_SUFFIX, "") or None,
                f.rule.replace(NUMERIC_SUFFIX, ""), f.lines, f.examples, f.count)
        for f in failures
    ]


def column_rules(
    rules: tuple[ColumnRules, ...], members: dict[tuple[str, str], set[str]]
) -> dict[str, dict]:
    """The vocabulary's rules of one table in the form the suites are built from.

    ``members`` holds the (normalised) values of the raw columns that ``member_of`` rules
    point at, e.g. ``{("clinical", "patient_id"): {...}}``, and for ``annotated_as`` rules the
    keys annotated otherwise, under the rule's tuple. A rule whose entry is missing is not
    judged (the file it points at is absent or unreadable).
    """
    out: dict[str, dict] = {}
    for rule in rules:
        entry: dict = {}
        if rule.required:
            entry["required"] = True
        if rule.unique:
            entry["unique"] = True
        if rule.accepted is not None:
            entry["in_set"] = set(rule.accepted)
        if rule.member_of is not None and rule.member_of in members:
            # Not judged when the other file could not be read (its own failure says why).
            entry["in_set"] = members[rule.member_of]
            entry["in_set_rule"] = _member_rule(*rule.member_of)
        if rule.annotated_as is not None and rule.annotated_as in members:
            table, _, column, value = rule.annotated_as
            entry["not_in_set"] = members[rule.annotated_as]
            entry["not_in_set_rule"] = (
                f"feature is annotated with another {column} in {RAW_FILES[table]} "
                f"({column} must be '{value}' for the features of this file)")
            entry["not_in_set_vocabulary"] = ["annotated_as", *rule.annotated_as]
        if rule.numeric is not None:
            entry["numeric"] = rule.numeric
        if rule.between is not None:
            entry["between"] = rule.between
        out[rule.name] = entry
    return out


def _member_rule(table: str, column: str) -> str:
    if (table, column) == ("clinical", "patient_id"):
        return SAMPLE_NOT_IN_CLINICAL
    return f"value not found among {RAW_FILES[table]} {column} values"


def pair_rules(rules: tuple[ColumnRules, ...]) -> tuple[tuple[str, str], ...]:
    """``(column, other)`` pairs where ``column`` must be >= ``other`` on every row."""
    return tuple((r.name, r.not_less_than) for r in rules if r.not_less_than is not None)


def normalise_table(frame: pd.DataFrame, rules: tuple[ColumnRules, ...]) -> pd.DataFrame:
    """Apply each column's normalisation, as the staging model does before the dbt tests.

    Numeric columns are read as numbers by the warehouse, so surrounding spaces are ignored.
    """
    out = frame.copy()
    for rule in rules:
        if rule.name not in out.columns:
            continue
        how = rule.normalise if rule.normalise or rule.numeric is None else "trim"
        out[rule.name] = normalise(out[rule.name], how)
    return out


def table_expectations(
    gx, frame: pd.DataFrame, vocabulary_rules: tuple[ColumnRules, ...],
    members: dict[tuple[str, str], set[str]],
) -> tuple[pd.DataFrame, list]:
    """The suite of one normalised table and the frame (with numeric copies) it runs on."""
    rules = column_rules(vocabulary_rules, members)
    pairs = [(a, b) for a, b in pair_rules(vocabulary_rules) if {a, b} <= set(frame.columns)]
    checked = _with_numeric_copies(frame, rules, [c for pair in pairs for c in pair])
    expectations = _column_expectations(gx, checked, rules)
    expectations += [
        gx.expectations.ExpectCompoundColumnsToBeUnique(
            column_list=[*rule.unique_within, rule.name],
            meta={"column": rule.name, "show": [*rule.unique_within, rule.name],
                  "rule": f"values must be unique within {', '.join(rule.unique_within)} "
                          "(duplicate)"},
        )
        for rule in vocabulary_rules
        if rule.unique_within is not None and {*rule.unique_within, rule.name} <= set(frame)
    ]
    expectations += [
        gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=column_a + NUMERIC_SUFFIX, column_B=column_b + NUMERIC_SUFFIX,
            or_equal=True, ignore_row_if="either_value_is_missing",
            meta={"show": [column_a, column_b]},
        )
        for column_a, column_b in pairs
    ]
    checked, row_expectations = _row_rule_expectations(gx, checked, vocabulary_rules)
    return checked, expectations + row_expectations


def _row_rule_expectations(
    gx, frame: pd.DataFrame, vocabulary_rules: tuple[ColumnRules, ...]
) -> tuple[pd.DataFrame, list]:
    """Rules across several columns of a row, on helper columns added to ``frame``: two
    columns given together (``present_with``), a value at least the sum of others
    (``not_less_than_sum``). Their meta ``show`` makes the message show the row's values."""
    out = frame.copy()
    expectations = []
    for rule in vocabulary_rules:
        other = rule.present_with
        if other is not None and {rule.name, other} <= set(frame.columns):
            for column in (rule.name, other):
                out[column + GIVEN_SUFFIX] = frame[column].notna()
            expectations.append(gx.expectations.ExpectColumnPairValuesToBeEqual(
                column_A=rule.name + GIVEN_SUFFIX, column_B=other + GIVEN_SUFFIX,
                meta={"column": rule.name, "show": [rule.name, other],
                      "rule": f"{rule.name} and {other} must be given together (both or "
                              "neither)",
                      "vocabulary": ["present_with", other]},
            ))
        parts = rule.not_less_than_sum
        if parts is not None and {rule.name, *parts} <= set(frame.columns):
            helper = "_".join(parts) + SUM_SUFFIX
            numbers = [pd.to_numeric(frame[c], errors="coerce") for c in (rule.name, *parts)]
            out[rule.name + NUMERIC_SUFFIX] = numbers[0]
            out[helper] = sum(numbers[1:])  # NaN when any part is missing: not judged
            expectations.append(gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=rule.name + NUMERIC_SUFFIX, column_B=helper, or_equal=True,
                ignore_row_if="either_value_is_missing",
                meta={"column": rule.name, "show": [rule.name, *parts],
                      "rule": f"{rule.name} must be >= {' + '.join(parts)}",
                      "vocabulary": ["not_less_than_sum", *parts]},
            ))
    return out, expectations


def _check_table(
    suites: _Suites, report: ValidationReport, path: Path, table: str, sep: str,
    vocabulary_rules: tuple[ColumnRules, ...], members: dict[tuple, set[str]],
) -> pd.DataFrame | None:
    """Check one table; returns it normalised (``None`` when it cannot be read)."""
    missing_values = CLINICAL_MISSING_VALUES if table == "clinical" else ("",)
    frame, failures, raw = _read_text_table(path, sep, missing_values,
                                            comments=table in COMMENTED_RAW_FILES)
    report.checked_files.append(path.name)
    if raw is None:
        report.failures.extend(failures)
        return None
    frame = normalise_table(frame, vocabulary_rules)
    checked, expectations = table_expectations(suites.gx, frame, vocabulary_rules, members)
    report.n_expectations += len(expectations)
    results = suites.run(re.sub(r"\W", "_", path.name), checked, expectations)
    report.failures.extend(
        _without_numeric_suffix(_failures_from(results, path.name, raw.line_of, checked))
    )
    return frame


def _check_matrix(
    suites: _Suites, report: ValidationReport, path: Path, rules: tuple[ColumnRules, ...],
    patient_ids: set[str] | None, known_features: set[str] | None,
    members: dict[tuple, set[str]], expression_scale: str | None = None,
) -> None:
    """Header and id column with GX; every cell numeric, finite and in range with one
    vectorised pass; for the expression file (``expression_scale`` given) the values fit the
    declared scale. ``patient_ids`` / ``known_features`` ``None``: not judged (clinical.csv
    or the annotation could not be read, and says so)."""
    report.checked_files.append(path.name)
    id_rule = rules[0]
    id_column = id_rule.name
    cell_rule = next((r for r in rules if r.name == SAMPLE_CELLS), ColumnRules(SAMPLE_CELLS))
    raw, failures = read_raw_text(path, "\t")
    if raw is None:
        report.failures.extend(failures)
        return
    if raw.header[0] != id_column:
        report.failures.append(
            Failure(path.name, raw.header[0],
                    f"first column must be '{id_column}' (found '{raw.header[0]}')")
        )
        return
    if len(raw.header) < 2:
        # A matrix without sample columns is a layer measured on nobody: it builds like an
        # absent file (zero rows), and the summary says so.
        report.absent_files.append(f"{path.name} (header only: no sample column)")
        if raw.lines:
            report.failures.append(
                Failure(path.name, "header (sample columns)",
                        "matrix has feature rows but no sample column", (1,), (), 1)
            )
        return
    # Row blocks: a 10,000-sample expression file is parsed and checked a block of genes at
    # a time (every rule is per cell, per id or a sum), never as one frame.
    id_blocks: list[pd.Series] = []
    cell_failures: list[list[Failure]] = []

    def numeric_blocks() -> Iterator[np.ndarray]:
        for start, text in raw.row_blocks(MATRIX_BLOCK_CELLS):
            # Cells as written: 'NaN' stays text (rejected), an empty cell is '' (missing).
            block = pd.read_csv(io.StringIO(text), sep="\t", engine="c", low_memory=False,
                                na_filter=False, dtype={id_column: str})
            id_blocks.append(block[id_column])
            numeric, failures = _matrix_cell_failures(
                block, path.name, cell_rule, raw.row_lines[start:start + len(block)])
            cell_failures.append(failures)
            yield numeric

    evidence = detect_expression_scale_in_blocks(numeric_blocks(), len(raw.header) - 1)
    samples = pd.DataFrame({"sample_id": list(raw.header[1:])})
    header_expectations = [suites.gx.expectations.ExpectColumnValuesToBeUnique(column="sample_id")]
    if patient_ids is not None:
        header_expectations.append(suites.gx.expectations.ExpectColumnValuesToBeInSet(
            column="sample_id", value_set=sorted(patient_ids),
            meta={"rule": SAMPLE_NOT_IN_CLINICAL},
        ))
    ids = pd.concat(id_blocks, ignore_index=True).astype(str).to_frame(id_column)
    ids = ids.where(ids[id_column] != "")
    id_expectations = _column_expectations(
        suites.gx, ids, column_rules((id_rule,), members), with_numeric=False
    )
    if known_features is not None:
        id_expectations.append(
            suites.gx.expectations.ExpectColumnValuesToBeInSet(
                column=id_column, value_set=sorted(known_features),
                meta={"rule": FEATURE_NOT_ANNOTATED},
            )
        )
    report.n_expectations += len(header_expectations) + len(id_expectations) + 3
    stem = re.sub(r"\W", "_", path.name)
    header_failures = _failures_from(
        suites.run(f"{stem}_header", samples, header_expectations), path.name, lambda i: 1
    )
    report.failures.extend(
        Failure(f.file, "header (sample columns)", f.rule, (1,), f.examples, f.count)
        for f in header_failures
    )
    report.failures.extend(
        _failures_from(suites.run(f"{stem}_ids", ids, id_expectations), path.name,
                       raw.line_of)
    )
    report.failures.extend(merge_block_failures(cell_failures))
    if expression_scale is not None:
        report.failures.extend(_expression_scale_failures(evidence, path.name, expression_scale))


# Cells per parsed block of a matrix file (~2e6: a few tens of MB of text and numbers).
MATRIX_BLOCK_CELLS = 2_000_000


def merge_block_failures(blocks: list[list[Failure]]) -> list[Failure]:
    """The failures of consecutive row blocks as one list: one Failure per rule (in the order
    the rules are checked), with the columns, lines and examples in row order as a single pass
    over the whole matrix gives them, and the counts added."""
    merged: OrderedDict[str, list[Failure]] = OrderedDict()
    for failures in blocks:
        for failure in failures:
            merged.setdefault(failure.rule, []).append(failure)
    out = []
    for rule, parts in sorted(merged.items(), key=lambda item: _cell_rule_rank(item[0])):
        columns = list(dict.fromkeys(c for part in parts for c in (part.column or "").split(", ")
                                     if c))
        # a single pass shows the values of the first MAX_EXAMPLES failing cells
        shown, cells = [], 0
        for part in parts:
            if cells >= MAX_EXAMPLES:
                break
            shown += part.examples
            cells += part.count
        examples = tuple(dict.fromkeys(shown))
        out.append(Failure(parts[0].file, ", ".join(columns[:MAX_EXAMPLES]) or None, rule,
                           tuple(sorted({line for part in parts for line in part.lines})),
                           examples[:MAX_EXAMPLES], sum(part.count for part in parts)))
    return out


def _cell_rule_rank(rule: str) -> int:
    """Position of a cell rule in the order :func:`_matrix_cell_failures` checks them."""
    for rank, start in enumerate(("value must be numeric", "value must be a finite",
                                  "value is required", "abundance/expression must be >=",
                                  "abundance/expression must be <=")):
        if rule.startswith(start):
            return rank
    return 5


def _expression_scale_failures(evidence: ScaleEvidence, file: str,
                               declared: str) -> list[Failure]:
    """The expression matrix's values contradict var ``expression_scale`` (counts declared as
    FPKM, log-transformed values, ...): see :mod:`calcomics.methods.transcriptomics.scale`.
    Negative cells are left to the range rule, which names them."""
    if declared not in DECLARABLE_SCALES:
        return [Failure(file, None, f"var expression_scale must be one of "
                                    f"{', '.join(DECLARABLE_SCALES)}; got {declared!r}")]
    problem = None if evidence.scale == "negative" else scale_mismatch(evidence, declared)
    return [] if problem is None else [Failure(file, None, problem)]


def _cells_failure(
    file: str, values: pd.DataFrame, mask: np.ndarray, rule: str, show_values: bool,
    row_lines: np.ndarray,
) -> Failure:
    """One failure for every cell of ``mask`` (rows x sample columns)."""
    rows, cols = np.nonzero(mask)
    columns = list(dict.fromkeys(str(values.columns[c]) for c in cols))
    examples = (
        tuple(dict.fromkeys(str(v) for v in values.to_numpy()[rows, cols][:MAX_EXAMPLES]))
        if show_values else ()
    )
    return Failure(file, ", ".join(columns[:MAX_EXAMPLES]), rule,
                   tuple(sorted(set(row_lines[rows].tolist()))), examples, len(rows))


def _matrix_numbers(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sample cells as a float array (NaN where empty or not a number), and the masks of
    the empty cells and of the cells that are not numbers (``NaN``, ``NA``, ``n.d.``, ...).

    Columns pandas parsed as numbers are taken in one array copy; only text columns are
    converted one by one (a wide matrix has thousands of columns: no per-column frame ops).
    """
    text = (values.dtypes == np.dtype(object)).to_numpy(dtype=bool)
    numeric = np.full(values.shape, np.nan)
    empty = np.zeros(values.shape, dtype=bool)
    if (~text).any():
        numeric[:, ~text] = values.iloc[:, np.flatnonzero(~text)].to_numpy(dtype=float)
    for position in np.flatnonzero(text):
        raw = values.iloc[:, position].astype(str)
        blank = (raw.str.strip() == "").to_numpy()
        numeric[:, position] = pd.to_numeric(raw.mask(blank), errors="coerce").to_numpy(float)
        empty[:, position] = blank
    not_number = np.isnan(numeric) & ~empty
    return numeric, empty, not_number


def _matrix_cell_failures(
    frame: pd.DataFrame, file: str, cell_rule: ColumnRules, row_lines: np.ndarray
) -> tuple[np.ndarray, list[Failure]]:
    """Sample cells numeric and finite, present when required, within the vocabulary's range;
    returns the cells as numbers too."""
    values = frame.iloc[:, 1:]
    numeric, empty, not_number = _matrix_numbers(values)
    failures = []
    if not_number.any():
        failures.append(_cells_failure(file, values, not_number, "value must be numeric",
                                       show_values=True, row_lines=row_lines))
    infinite = np.isinf(numeric)
    if infinite.any():
        failures.append(_cells_failure(
            file, values, infinite, "value must be a finite number (Inf is not a measurement)",
            show_values=True, row_lines=row_lines))
    if cell_rule.required and empty.any():
        failures.append(_cells_failure(file, values, empty, "value is required (empty cell)",
                                       show_values=False, row_lines=row_lines))
    low, high = cell_rule.between or (None, None)
    finite = np.where(infinite, np.nan, numeric)
    with np.errstate(invalid="ignore"):
        for bound, outside, text in ((low, np.less, ">="), (high, np.greater, "<=")):
            if bound is None:
                continue
            mask = outside(finite, bound)
            if mask.any():
                failures.append(_cells_failure(
                    file, pd.DataFrame(numeric, columns=values.columns), mask,
                    f"abundance/expression must be {text} {_bound(bound)}",
                    show_values=True, row_lines=row_lines))
    return numeric, failures


def validate_raw_dir(
    raw_dir: Path, project_dir: Path | None = None, expression_scale: str | None = None
) -> ValidationReport:
    """Check every raw file in ``raw_dir``; never raises for bad data (see the report).

    Parameters
    ----------
    raw_dir : Path
        Folder holding the raw files of :data:`calcomics.warehouse.raw_layout.RAW_FILES`.
    project_dir : Path, optional
        dbt project whose ``_raw__sources.yml`` holds the rules; default the packaged copy
        of the same rules (:func:`calcomics.warehouse.validation.vocabulary.packaged_vocabulary`).
    expression_scale : str, optional
        Value of var ``expression_scale`` the build will use (default ``fpkm``, the
        project's); the expression values must fit it.
    """
    raw_dir = Path(raw_dir)
    vocabulary: Vocabulary = load_vocabulary(project_dir)
    # An unchanged folder that passed before is not read again (passed_cache module).
    key = validation_key(raw_dir, vocabulary, expression_scale) if raw_dir.is_dir() else None
    passed = load_passed(key) if key is not None else None
    if passed is not None:
        return ValidationReport(raw_dir=raw_dir, checked_files=passed["checked_files"],
                                absent_files=passed["absent_files"],
                                n_expectations=passed["n_expectations"])
    report = _validate_raw_dir(raw_dir, vocabulary, expression_scale)
    if report.ok and key is not None:
        store_passed(key, {"checked_files": report.checked_files,
                           "absent_files": report.absent_files,
                           "n_expectations": report.n_expectations})
    return report


def _validate_raw_dir(
    raw_dir: Path, vocabulary: Vocabulary, expression_scale: str | None
) -> ValidationReport:
    """Every check of :func:`validate_raw_dir` (no cache)."""
    report = ValidationReport(raw_dir=raw_dir)
    paths = {table: raw_file_path(raw_dir, table) for table in RAW_FILES}
    report.absent_files = [RAW_FILES[table] for table in absent_layers(raw_dir)]
    report.failures.extend(_file_name_failures(raw_dir, paths))
    for table in sorted(REQUIRED_RAW_FILES):
        if paths[table] is None:
            report.failures.append(
                Failure(RAW_FILES[table], None, f"required raw file is missing in {raw_dir}")
            )
    if paths["clinical"] is None:
        return report

    suites = _Suites()
    members: dict[tuple, set[str]] = {}
    frames: dict[str, pd.DataFrame] = {}
    for table, sep in (("clinical", ","), ("mutations", "\t"), ("segments", "\t"),
                       ("metabolite_annotation", "\t")):
        if paths[table] is None:
            continue
        frame = _check_table(suites, report, paths[table], table, sep, vocabulary[table],
                             members)
        if frame is None:
            continue
        frames[table] = frame
        for rule in vocabulary[table]:
            if rule.name in frame.columns:
                members[(table, rule.name)] = set(frame[rule.name].dropna())
        if table == "clinical" and frame.empty:
            # Nothing to check the omics sample ids against: one message, not one per file.
            report.failures.append(Failure(paths[table].name, None, NO_PATIENT_ROWS))
            members.pop(("clinical", "patient_id"), None)
    patient_ids = members.get(("clinical", "patient_id"))
    known_features = members.get(("metabolite_annotation", "feature_id"))
    for table in ("lipidomics", "polar_metabolomics"):
        members.update(_annotated_otherwise(vocabulary[table], frames))
    if paths["expression"] is not None:
        _check_matrix(suites, report, paths["expression"], vocabulary["expression"],
                      patient_ids, None, members,
                      expression_scale=expression_scale or DEFAULT_EXPRESSION_SCALE)
    for table in ("lipidomics", "polar_metabolomics"):
        if paths[table] is not None and paths["metabolite_annotation"] is None:
            report.failures.append(Failure(
                RAW_FILES[table], None,
                f"needs {RAW_FILES['metabolite_annotation']} (feature names, platform, class) "
                f"in {raw_dir}",
            ))
        if paths[table] is not None:
            _check_matrix(suites, report, paths[table], vocabulary[table], patient_ids,
                          known_features, members)
    return report


def _annotated_otherwise(
    rules: tuple[ColumnRules, ...], frames: dict[str, pd.DataFrame]
) -> dict[tuple, set[str]]:
    """For each ``annotated_as`` rule, the keys its table annotates with another value."""
    out: dict[tuple, set[str]] = {}
    for rule in rules:
        if rule.annotated_as is None or rule.annotated_as[0] not in frames:
            continue
        table, key, column, value = rule.annotated_as
        frame = frames[table]
        if {key, column} <= set(frame.columns):
            other = frame[column].isna() | (frame[column] != value)
            out[rule.annotated_as] = set(frame.loc[other, key].dropna())
    return out


def _file_name_failures(raw_dir: Path, paths: dict[str, Path | None]) -> list[Failure]:
    """A raw file present both plain and gzipped, or compressed in a format not read."""
    failures = []
    for table, name in RAW_FILES.items():
        compressed = raw_dir / (name + COMPRESSED_SUFFIX)
        if (raw_dir / name).is_file() and compressed.is_file():
            failures.append(Failure(name, None, f"both {name} and {compressed.name} are in "
                                               f"{raw_dir}; keep one"))
        for suffix in UNREAD_COMPRESSIONS:
            if paths[table] is None and (raw_dir / (name + suffix)).is_file():
                failures.append(Failure(
                    name + suffix, None,
                    f"compressed raw files are read only as gzip ({name}{COMPRESSED_SUFFIX}); "
                    f"decompress {name}{suffix}, or gzip {name}"))
    return failures
