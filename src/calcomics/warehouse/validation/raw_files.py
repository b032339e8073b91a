"""Validate the raw files before anything is written to the warehouse.

Tables (clinical, MAF, segments, metabolite annotation) and the headers of the wide matrices
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
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from calcomics.methods.transcriptomics.scale import (
    DECLARABLE_SCALES,
    DEFAULT_EXPRESSION_SCALE,
    detect_expression_scale,
    scale_mismatch,
)
from calcomics.warehouse.raw_layout import (
    CLINICAL_MISSING_VALUES,
    RAW_FILES,
    REQUIRED_RAW_FILES,
    absent_layers,
)
from calcomics.warehouse.validation.vocabulary import (
    SAMPLE_CELLS,
    ColumnRules,
    Vocabulary,
    load_vocabulary,
    normalise,
)

MAX_EXAMPLES = 5
HEADER_LINES = 1  # data row i (0-based) sits on file line i + 2

NUMBER = r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$"
INTEGER = r"^\s*[-+]?\d+\s*$"
SAMPLE_NOT_IN_CLINICAL = "sample id not found among clinical.csv patient_id values"
FEATURE_NOT_ANNOTATED = "feature id not found in metabolite_annotation.tsv"


@dataclass(frozen=True)
class Failure:
    """One broken rule in one raw file."""

    file: str
    column: str | None
    rule: str
    lines: tuple[int, ...] = ()
    examples: tuple[str, ...] = ()
    count: int = 0

    def message(self) -> str:
        where = self.file if self.column is None else f"{self.file}, column '{self.column}'"
        text = f"{where}: {self.rule}"
        if self.count:
            shown = ", ".join(str(line) for line in self.lines[:MAX_EXAMPLES])
            more = " …" if self.count > len(self.lines[:MAX_EXAMPLES]) else ""
            text += f" — {self.count} row(s) fail, line(s) {shown}{more}"
        if self.examples:
            text += "; offending value(s): " + ", ".join(
                repr(v) for v in self.examples[:MAX_EXAMPLES]
            )
        return text


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


class _Suites:
    """Runs expectation suites on pandas frames in one ephemeral GX context."""

    def __init__(self) -> None:
        gx = _gx()
        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.source = self.context.data_sources.add_pandas("raw_files")

    def run(self, name: str, frame: pd.DataFrame, expectations: list) -> list:
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


def _failures_from(results: Iterable, file: str, frame_index_to_line) -> list[Failure]:
    failures = []
    for result in results:
        if result.success:
            continue
        config = result.expectation_config
        column = (config.kwargs.get("column") or config.kwargs.get("column_A")
                  or (config.meta or {}).get("column"))
        info = result.result or {}
        index = info.get("unexpected_index_list") or []
        lines = tuple(sorted({frame_index_to_line(i) for i in index}))
        examples = tuple(dict.fromkeys(map(str, info.get("partial_unexpected_list") or [])))
        count = int(info.get("unexpected_count") or 0)
        failures.append(Failure(file, column, _rule_text(config), lines, examples, count))
    return failures


# --- reading ---------------------------------------------------------------------------


def _leading_comment_lines(path: Path) -> int:
    n = 0
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            n += 1
    return n


def _read_text_table(
    path: Path, sep: str, missing_values: tuple[str, ...] = ("",)
) -> tuple[pd.DataFrame | None, Failure | None, int]:
    """Read every cell as text (``missing_values`` as null); a malformed file becomes a
    Failure, never a traceback."""
    skip = _leading_comment_lines(path)
    try:
        frame = pd.read_csv(
            path, sep=sep, dtype=str, keep_default_na=False, na_values=list(missing_values),
            skiprows=skip,
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        rule = f"file cannot be parsed as a {'tab' if sep == chr(9) else 'comma'}-separated table"
        return None, Failure(path.name, None, f"{rule} ({error})"), skip
    return frame, None, skip


def _line_mapper(skip: int):
    return lambda i: int(i) + HEADER_LINES + 1 + skip


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
        if "between" in rules and with_numeric:
            low, high = rules["between"]
            expectations.append(
                gx.expectations.ExpectColumnValuesToBeBetween(
                    column=column + NUMERIC_SUFFIX, min_value=low, max_value=high
                )
            )
    return expectations


NUMERIC_SUFFIX = "__number"


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
    point at, e.g. ``{("clinical", "patient_id"): {...}}``.
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
        if rule.member_of is not None:
            entry["in_set"] = members.get(rule.member_of, set())
            entry["in_set_rule"] = _member_rule(*rule.member_of)
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
            meta={"column": rule.name,
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
        )
        for column_a, column_b in pairs
    ]
    return checked, expectations


def _check_table(
    suites: _Suites, report: ValidationReport, path: Path, sep: str,
    vocabulary_rules: tuple[ColumnRules, ...], members: dict[tuple[str, str], set[str]],
) -> pd.DataFrame | None:
    """Check one table; returns it normalised (``None`` when it cannot be parsed)."""
    missing_values = CLINICAL_MISSING_VALUES if path.name == RAW_FILES["clinical"] else ("",)
    frame, failure, skip = _read_text_table(path, sep, missing_values)
    report.checked_files.append(path.name)
    if failure is not None:
        report.failures.append(failure)
        return None
    frame = normalise_table(frame, vocabulary_rules)
    checked, expectations = table_expectations(suites.gx, frame, vocabulary_rules, members)
    report.n_expectations += len(expectations)
    results = suites.run(re.sub(r"\W", "_", path.stem), checked, expectations)
    report.failures.extend(
        _without_numeric_suffix(_failures_from(results, path.name, _line_mapper(skip)))
    )
    return frame


def _check_matrix(
    suites: _Suites, report: ValidationReport, path: Path, rules: tuple[ColumnRules, ...],
    patient_ids: set[str], known_features: set[str] | None,
    expression_scale: str | None = None,
) -> None:
    """Header and id column with GX; every cell numeric and >= 0 with one vectorised pass;
    for the expression file (``expression_scale`` given) the values fit the declared scale."""
    report.checked_files.append(path.name)
    id_rule = rules[0]
    id_column = id_rule.name
    cell_rule = next((r for r in rules if r.name == SAMPLE_CELLS), ColumnRules(SAMPLE_CELLS))
    try:
        frame = pd.read_csv(path, sep="\t", engine="c", low_memory=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        report.failures.append(
            Failure(path.name, None, f"file cannot be parsed as a tab-separated matrix ({error})")
        )
        return
    if frame.columns[0] != id_column:
        report.failures.append(
            Failure(path.name, frame.columns[0],
                    f"first column must be '{id_column}' (found '{frame.columns[0]}')")
        )
        return
    if len(frame.columns) < 2:
        # A matrix without sample columns is a layer measured on nobody: it builds like an
        # absent file (zero rows), and the summary says so.
        report.absent_files.append(f"{path.name} (header only: no sample column)")
        if len(frame):
            report.failures.append(
                Failure(path.name, "header (sample columns)",
                        "matrix has feature rows but no sample column", (1,), (), 1)
            )
        return
    samples = pd.DataFrame({"sample_id": list(map(str, frame.columns[1:]))})
    header_expectations = [
        suites.gx.expectations.ExpectColumnValuesToBeUnique(column="sample_id"),
        suites.gx.expectations.ExpectColumnValuesToBeInSet(
            column="sample_id", value_set=sorted(patient_ids),
            meta={"rule": SAMPLE_NOT_IN_CLINICAL},
        ),
    ]
    ids = frame[[id_column]].astype(str).where(frame[[id_column]].notna())
    id_expectations = _column_expectations(
        suites.gx, ids, column_rules((id_rule,), {}), with_numeric=False
    )
    if known_features is not None:
        id_expectations.append(
            suites.gx.expectations.ExpectColumnValuesToBeInSet(
                column=id_column, value_set=sorted(known_features),
                meta={"rule": FEATURE_NOT_ANNOTATED},
            )
        )
    report.n_expectations += len(header_expectations) + len(id_expectations) + 2
    stem = re.sub(r"\W", "_", path.stem)
    header_failures = _failures_from(
        suites.run(f"{stem}_header", samples, header_expectations), path.name, lambda i: 1
    )
    report.failures.extend(
        Failure(f.file, "header (sample columns)", f.rule, (1,), f.examples, f.count)
        for f in header_failures
    )
    report.failures.extend(
        _failures_from(suites.run(f"{stem}_ids", ids, id_expectations), path.name,
                       _line_mapper(0))
    )
    report.failures.extend(_matrix_cell_failures(frame, path.name, cell_rule))
    if expression_scale is not None:
        report.failures.extend(_expression_scale_failures(frame, path.name, expression_scale))


def _expression_scale_failures(frame: pd.DataFrame, file: str, declared: str) -> list[Failure]:
    """The expression matrix's values contradict var ``expression_scale`` (counts declared as
    FPKM, log-transformed values, ...): see :mod:`calcomics.methods.transcriptomics.scale`.
    Negative cells are left to the range rule, which names them."""
    if declared not in DECLARABLE_SCALES:
        return [Failure(file, None, f"var expression_scale must be one of "
                                    f"{', '.join(DECLARABLE_SCALES)}; got {declared!r}")]
    evidence = detect_expression_scale(frame.iloc[:, 1:])
    problem = None if evidence.scale == "negative" else scale_mismatch(evidence, declared)
    return [] if problem is None else [Failure(file, None, problem)]


def _cells_failure(
    file: str, values: pd.DataFrame, mask: np.ndarray, rule: str, show_values: bool
) -> Failure:
    """One failure for every cell of ``mask`` (rows x sample columns)."""
    rows, cols = np.nonzero(mask)
    columns = list(dict.fromkeys(str(values.columns[c]) for c in cols))
    examples = (
        tuple(str(v) for v in values.to_numpy()[rows, cols][:MAX_EXAMPLES]) if show_values else ()
    )
    return Failure(file, ", ".join(columns[:MAX_EXAMPLES]), rule,
                   tuple(sorted(set((rows + 2).tolist()))), examples, len(rows))


def _matrix_cell_failures(frame: pd.DataFrame, file: str, cell_rule: ColumnRules) -> list[Failure]:
    """Sample cells numeric, present when required, within the vocabulary's range."""
    values = frame.iloc[:, 1:]
    failures = []
    text_columns = [c for c in values.columns if values[c].dtype == object]
    bad_rows: list[int] = []
    bad_examples: list[str] = []
    bad_columns: list[str] = []
    for column in text_columns:
        raw = values[column]
        coerced = pd.to_numeric(raw, errors="coerce")
        bad = coerced.isna() & raw.notna()
        if bad.any():
            bad_columns.append(str(column))
            bad_rows += (np.flatnonzero(bad.to_numpy()) + 2).tolist()
            bad_examples += raw[bad].astype(str).tolist()
    if bad_rows:
        failures.append(
            Failure(file, ", ".join(bad_columns[:MAX_EXAMPLES]), "value must be numeric",
                    tuple(sorted(set(bad_rows))), tuple(dict.fromkeys(bad_examples)),
                    len(bad_rows))
        )
    if cell_rule.required and values.isna().to_numpy().any():
        failures.append(_cells_failure(file, values, values.isna().to_numpy(),
                                       "value is required (empty cell)", show_values=False))
    numeric = values.apply(pd.to_numeric, errors="coerce")
    low, high = cell_rule.between or (None, None)
    for bound, outside, text in ((low, numeric.lt, ">="), (high, numeric.gt, "<=")):
        if bound is None:
            continue
        mask = outside(bound).to_numpy()
        if mask.any():
            failures.append(_cells_failure(
                file, numeric, mask, f"abundance/expression must be {text} {_bound(bound)}",
                show_values=True))
    return failures


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
    report = ValidationReport(raw_dir=raw_dir)
    missing = [name for name in RAW_FILES.values() if not (raw_dir / name).is_file()]
    report.absent_files = [RAW_FILES[table] for table in absent_layers(raw_dir)]
    for table in sorted(REQUIRED_RAW_FILES):
        if RAW_FILES[table] in missing:
            report.failures.append(
                Failure(RAW_FILES[table], None, f"required raw file is missing in {raw_dir}")
            )
    if RAW_FILES["clinical"] in missing:
        return report

    suites = _Suites()
    members: dict[tuple[str, str], set[str]] = {}
    for table, sep in (("clinical", ","), ("mutations", "\t"), ("segments", "\t"),
                       ("metabolite_annotation", "\t")):
        if RAW_FILES[table] in missing:
            continue
        frame = _check_table(suites, report, raw_dir / RAW_FILES[table], sep,
                             vocabulary[table], members)
        for rule in vocabulary[table]:
            if frame is not None and rule.name in frame.columns:
                members[(table, rule.name)] = set(frame[rule.name].dropna())
    patient_ids = members.get(("clinical", "patient_id"), set())
    known_features = members.get(("metabolite_annotation", "feature_id"))
    if RAW_FILES["expression"] not in missing:
        _check_matrix(suites, report, raw_dir / RAW_FILES["expression"],
                      vocabulary["expression"], patient_ids, None,
                      expression_scale=expression_scale or DEFAULT_EXPRESSION_SCALE)
    for table in ("lipidomics", "polar_metabolomics"):
        if RAW_FILES[table] not in missing and RAW_FILES["metabolite_annotation"] in missing:
            report.failures.append(Failure(
                RAW_FILES[table], None,
                f"needs {RAW_FILES['metabolite_annotation']} (feature names, platform, class) "
                f"in {raw_dir}",
            ))
        if RAW_FILES[table] not in missing:
            _check_matrix(suites, report, raw_dir / RAW_FILES[table],
                          vocabulary[table], patient_ids, known_features)
    return report
