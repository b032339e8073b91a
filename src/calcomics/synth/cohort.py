"""Demo cohort: generate every raw file of the warehouse from one seed.

Each omics simulator gets its own child random stream (``numpy.random.SeedSequence.spawn``),
so adding a column to one file never changes the numbers in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from calcomics.synth.clinical import clinical_raw_frame, simulate_clinical
from calcomics.synth.copy_number import simulate_segments
from calcomics.synth.expression import simulate_expression
from calcomics.synth.metabolomics import simulate_metabolomics
from calcomics.synth.mutations import simulate_mutations
from calcomics.warehouse.raw_layout import RAW_FILES


@dataclass(frozen=True)
class Cohort:
    """All raw tables of a generated cohort (``patients`` keeps the generator's columns)."""

    patients: pd.DataFrame
    clinical: pd.DataFrame
    mutations: pd.DataFrame
    segments: pd.DataFrame
    expression: pd.DataFrame
    lipidomics: pd.DataFrame
    polar_metabolomics: pd.DataFrame
    metabolite_annotation: pd.DataFrame


def generate_cohort(n_patients: int = 316, seed: int = 0) -> Cohort:
    """Generate the demo cohort; deterministic for a given ``(n_patients, seed)``."""
    if n_patients < 1:
        raise ValueError(f"--patients must be a positive number, got {n_patients}")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    patients = simulate_clinical(n_patients, streams[0])
    lipidomics, polar, annotation = simulate_metabolomics(patients, streams[4])
    return Cohort(
        patients=patients,
        clinical=clinical_raw_frame(patients),
        mutations=simulate_mutations(patients, streams[1]),
        segments=simulate_segments(patients, streams[2]),
        expression=simulate_expression(patients, streams[3]),
        lipidomics=lipidomics,
        polar_metabolomics=polar,
        metabolite_annotation=annotation,
    )


def _write_delimited(frame: pd.DataFrame, path: Path, delimiter: str) -> None:
    """Write like pipelines do: unquoted TSV (pyarrow, fast), CSV quoted only where needed.

    Empty strings become empty cells; the file appears under its name only when complete.
    """
    text = frame.select_dtypes(include="object").columns
    frame = frame.assign(**{c: frame[c].replace("", None) for c in text})
    tmp = path.with_suffix(path.suffix + ".tmp")
    if delimiter == ",":
        frame.to_csv(tmp, index=False)
    else:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        options = pacsv.WriteOptions(delimiter=delimiter, quoting_style="none",
                                     include_header=False)
        with tmp.open("wb") as handle:
            handle.write((delimiter.join(map(str, frame.columns)) + "\n").encode())
            pacsv.write_csv(table, handle, write_options=options)
    tmp.replace(path)


def _matrix_frame(matrix: pd.DataFrame, first_column: str, decimals: int) -> pd.DataFrame:
    out = matrix.round(decimals)
    out.index.name = first_column
    return out.reset_index()


def write_cohort(cohort: Cohort, out_dir: Path) -> dict[str, Path]:
    """Write the raw files into ``out_dir``; returns the written paths by table name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / file for name, file in RAW_FILES.items()}
    _write_delimited(cohort.clinical, paths["clinical"], ",")
    _write_delimited(cohort.mutations, paths["mutations"], "\t")
    _write_delimited(cohort.segments, paths["segments"], "\t")
    _write_delimited(_matrix_frame(cohort.expression, "gene_symbol", 3), paths["expression"], "\t")
    _write_delimited(_matrix_frame(cohort.lipidomics, "feature_id", 2), paths["lipidomics"], "\t")
    _write_delimited(
        _matrix_frame(cohort.polar_metabolomics, "feature_id", 2), paths["polar_metabolomics"], "\t"
    )
    _write_delimited(cohort.metabolite_annotation, paths["metabolite_annotation"], "\t")
    return paths
