"""Demo cohort: generate every raw file of the warehouse from one seed.

Each omics simulator gets its own child random stream (``numpy.random.SeedSequence.spawn``),
so adding a column to one file never changes the numbers in another.
"""

from __future__ import annotations

from collections.abc import Callable
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


#: Progress steps of :func:`generate_cohort` (layers) and :func:`write_cohort` (files).
GENERATION_STEPS = 5
WRITING_STEPS = len(RAW_FILES)


def generate_cohort(n_patients: int = 316, seed: int = 0,
                    progress: Callable[[int, int], None] | None = None) -> Cohort:
    """Generate the demo cohort; deterministic for a given ``(n_patients, seed)``.

    ``progress(done, GENERATION_STEPS)`` is called as each layer is drawn (every layer has
    its own random stream, so reporting changes nothing).
    """
    if n_patients < 1:
        raise ValueError(f"--patients must be a positive number, got {n_patients}")
    report = progress or (lambda done, total: None)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    patients = simulate_clinical(n_patients, streams[0])
    report(1, GENERATION_STEPS)
    lipidomics, polar, annotation = simulate_metabolomics(patients, streams[4])
    report(2, GENERATION_STEPS)
    clinical = clinical_raw_frame(patients)
    mutations = simulate_mutations(patients, streams[1])
    report(3, GENERATION_STEPS)
    segments = simulate_segments(patients, streams[2])
    report(4, GENERATION_STEPS)
    expression = simulate_expression(patients, streams[3])
    report(5, GENERATION_STEPS)
    return Cohort(
        patients=patients,
        clinical=clinical,
        mutations=mutations,
        segments=segments,
        expression=expression,
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


def write_cohort(cohort: Cohort, out_dir: Path,
                 progress: Callable[[int, int], None] | None = None) -> dict[str, Path]:
    """Write the raw files into ``out_dir``; returns the written paths by table name.

    ``progress(done, WRITING_STEPS)`` is called after each file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda done, total: None)
    paths = {name: out_dir / file for name, file in RAW_FILES.items()}
    frames = {
        "clinical": (cohort.clinical, ","),
        "mutations": (cohort.mutations, "\t"),
        "segments": (cohort.segments, "\t"),
        "expression": (_matrix_frame(cohort.expression, "gene_symbol", 3), "\t"),
        "lipidomics": (_matrix_frame(cohort.lipidomics, "feature_id", 2), "\t"),
        "polar_metabolomics": (_matrix_frame(cohort.polar_metabolomics, "feature_id", 2), "\t"),
        "metabolite_annotation": (cohort.metabolite_annotation, "\t"),
    }
    for done, (name, (frame, delimiter)) in enumerate(frames.items(), start=1):
        _write_delimited(frame, paths[name], delimiter)
        report(done, WRITING_STEPS)
    return paths
