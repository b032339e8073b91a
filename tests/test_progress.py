"""Progress reporting of long Python steps (issue 11 §4): the bar's output, and that the
block-wise kernel calls behind it change no bit of GSVA / ssGSEA / GSEA results."""

from __future__ import annotations

import importlib
import io

import numpy as np
import pandas as pd
import pytest

from calcomics.methods.transcriptomics.gsea import gsea_group_vs_rest
from calcomics.methods.transcriptomics.gsva import gsva_detailed
from calcomics.progress import ProgressBar

gsva_module = importlib.import_module("calcomics.methods.transcriptomics.gsva")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_mode_prints_a_line_per_quarter_and_the_end():
    stream = io.StringIO()
    bar = ProgressBar("scoring", "blocks", stream=stream)
    for done in range(0, 11):
        bar(done, 10)
    lines = stream.getvalue().splitlines()
    assert [line.split("]")[1].split("%")[0].strip() for line in lines] == [
        "0", "30", "60", "90", "100"]
    assert lines[-1].startswith("scoring [" + "#" * 24 + "] 100 %  10/10 blocks")


def test_terminal_mode_redraws_in_place_and_ends_the_line():
    stream = _Terminal()
    bar = ProgressBar("gsea", "permutations", stream=stream)
    bar(0, 4)
    bar(2, 4)
    bar(4, 4)
    text = stream.getvalue()
    assert text.count("\r") == 3
    assert text.endswith("\n") and text.count("\n") == 1
    assert "[############............]  50 %  2/4 permutations" in text


def test_quiet_bar_writes_nothing_and_close_ends_an_open_line():
    quiet = io.StringIO()
    ProgressBar("x", stream=quiet, enabled=False)(1, 2)
    assert quiet.getvalue() == ""
    stream = _Terminal()
    bar = ProgressBar("x", stream=stream)
    bar(1, 2)
    bar.close()
    assert stream.getvalue().endswith("\n")


@pytest.fixture(scope="module")
def expression() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    # 700 genes x 600 samples: several gene blocks and sample blocks of >= 256
    values = np.round(rng.gamma(2.0, 2.0, size=(700, 600)), 2)
    return pd.DataFrame(values, index=[f"G{i}" for i in range(700)],
                        columns=[f"S{j}" for j in range(600)])


@pytest.fixture(scope="module")
def gene_sets() -> dict[str, list[str]]:
    rng = np.random.default_rng(4)
    return {f"set{k}": [f"G{i}" for i in rng.choice(700, size=25, replace=False)]
            for k in range(12)}


@pytest.mark.parametrize(("method", "kcdf"), [("gsva", "Gaussian"), ("gsva", "none"),
                                              ("ssgsea", "Gaussian")])
def test_blocks_change_no_bit_and_progress_reaches_the_total(
    expression, gene_sets, method, kcdf, monkeypatch
):
    calls: list[tuple[int, int]] = []
    blocked = gsva_detailed(expression, gene_sets, method=method, kcdf=kcdf,
                            progress=lambda done, total: calls.append((done, total)))
    monkeypatch.setattr(gsva_module, "_PROGRESS_BLOCKS", 1)
    single = gsva_detailed(expression, gene_sets, method=method, kcdf=kcdf)
    assert np.array_equal(blocked.scores.to_numpy(), single.scores.to_numpy(), equal_nan=True)
    totals = {total for _, total in calls}
    assert len(totals) == 1 and totals.pop() >= 3  # really block-wise
    assert [done for done, _ in calls] == list(range(len(calls)))
    assert calls[-1][0] == calls[-1][1]


def test_gsea_progress_counts_permutations_of_tested_groups(expression, gene_sets):
    # group "c" has 2 samples (< 3): not tested, so its permutations are not counted
    labels = pd.Series(["a"] * 300 + ["b"] * 298 + ["c"] * 2, index=expression.columns)
    calls: list[tuple[int, int]] = []
    result = gsea_group_vs_rest(expression, labels, gene_sets, n_perm=40, seed=1, min_size=5,
                                progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 80) and calls[-1] == (80, 80)
    assert all(b[0] >= a[0] for a, b in zip(calls, calls[1:], strict=False))
    assert set(result["group_key"]) == {"a", "b", "c"}


def test_synth_reports_layers_then_files_and_writes_the_same_cohort(tmp_path):
    from calcomics.warehouse.build import write_demo_cohort

    calls: list[tuple[int, int]] = []
    write_demo_cohort(tmp_path / "a", 30, 4, progress=lambda d, t: calls.append((d, t)))
    write_demo_cohort(tmp_path / "b", 30, 4)
    assert calls == [(done, 12) for done in range(1, 13)]
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name
