"""A real cohort end to end (issue 10, §3): TCGA BRCA HR+/HER2- patients, as a user runs it.

The shipped subset (examples/tcga_brca_hr_her2neg: Firehose clinical + TCGA-CDR survival,
Firehose MAF, RNA-seq read counts, with provenance) goes through `calcomics import` (clinical
with the example's mapping, MAF, expression) and `calcomics build` in real processes, grouped
by histological type (ductal vs lobular, the shipped `histological_type` grouping). Copy number
and metabolomics are absent, as in TCGA's open MAF-level data. The test asserts what everyone
knows of this biology, through the marts: CDH1 mutation in lobular, TP53 in ductal tumours,
PIK3CA the most mutated gene, luminal PAM50 calls with ER-balanced centring, TMB of luminal
breast cancer. A second build groups the same warehouse by lymph-node status.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.dbt

PROJECT_DIR = Path(__file__).resolve().parents[1]
EXAMPLE = PROJECT_DIR / "examples" / "tcga_brca_hr_her2neg"
CALCOMICS = str(Path(sys.executable).parent / "calcomics")
VARS = ("{expression_scale: counts, pam50_centring: er_balanced, survival_population: all, "
        "exome_capture_size_mb: 38}")


def _run(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([CALCOMICS, *args], cwd=PROJECT_DIR, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def tcga_raw(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("tcga") / "raw"
    _run("import", "clinical", str(EXAMPLE / "clinical.tsv"),
         "--mapping", str(EXAMPLE / "clinical_mapping.yaml"), "--out", str(raw))
    _run("import", "maf", str(EXAMPLE / "mutations.maf.tsv.gz"), "--out", str(raw))
    _run("import", "expression", str(EXAMPLE / "expression_counts.tsv.gz"), "--out", str(raw))
    return raw


@pytest.fixture(scope="module")
def tcga(tcga_raw) -> duckdb.DuckDBPyConnection:
    warehouse = tcga_raw.parent / "tcga.duckdb"
    done = _run("build", "--raw-dir", str(tcga_raw), "--warehouse", str(warehouse),
                "--grouping", "histological_type", "--vars", VARS)
    assert "Warehouse ready" in done.stdout + done.stderr
    # progress before dbt's own output: which step runs, seconds since the start
    steps = [line for line in done.stdout.splitlines() if line.startswith("[")]
    assert "validating the raw files in" in steps[0]
    assert "all passed." in steps[1] and "dbt build into tcga.duckdb.building" in steps[2]
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def _mutation(tcga, gene: str) -> dict[str, tuple[int, int, float]]:
    rows = tcga.execute(
        "select group_key, n_mutated, n_sequenced, p_value_all_main_groups "
        "from fct_mutated_gene_frequencies where gene_symbol = ?", [gene]).fetchall()
    return {key: (mutated, sequenced, p) for key, mutated, sequenced, p in rows}


def test_the_build_is_real_data_with_the_right_cohort(tcga):
    origin, grouping = tcga.execute("select data_origin, grouping_name from meta_build").fetchone()
    assert (origin, grouping) == ("real", "histological_type")
    flow = dict(tcga.execute(
        "select coalesce(group_key, 'none'), n_patients from rpt_cohort_flow").fetchall())
    # 524 HR+/HER2- study patients (355 ductal, 123 lobular, 46 other types) and the
    # 30 ER-negative reference tumours, which have no histology and no group.
    assert flow == {"ductal": 355, "lobular": 123, "mixed": 14, "mucinous": 12,
                    "other_histology": 20, "none": 30}


def test_cdh1_is_the_lobular_gene(tcga):
    cdh1 = _mutation(tcga, "CDH1")
    lobular, ductal = cdh1["lobular"], cdh1["ductal"]
    assert lobular[0] / lobular[1] > 0.4 > 0.05 > ductal[0] / ductal[1]
    assert lobular[2] < 1e-20  # Fisher exact over ductal vs lobular


def test_tp53_is_more_frequent_in_ductal_tumours(tcga):
    tp53 = _mutation(tcga, "TP53")
    assert tp53["ductal"][0] / tp53["ductal"][1] > 2 * tp53["lobular"][0] / tp53["lobular"][1]
    assert tp53["ductal"][2] < 1e-3


def test_pik3ca_is_the_most_frequently_mutated_gene(tcga):
    top = tcga.execute("select gene_symbol from fct_mutated_gene_frequencies "
                       "where frequency_rank = 1").fetchall()
    assert {row[0] for row in top} == {"PIK3CA"}


def test_luminal_calls_dominate_hr_positive_tumours(tcga):
    calls = tcga.execute(
        "select patients.grouping_value is not null as in_study, calls.pam50_subtype, "
        "    calls.centring "
        "from fct_pam50_calls as calls "
        "inner join dim_patients as patients on calls.sample_id = patients.patient_id"
    ).fetchall()
    assert {row[2] for row in calls} == {"er_balanced"}
    study = [subtype for in_study, subtype, _ in calls if in_study]
    references = [subtype for in_study, subtype, _ in calls if not in_study]
    assert len(study) == 21 and len(references) == 30
    luminal = sum(subtype in ("LumA", "LumB") for subtype in study)
    assert luminal / len(study) >= 0.85
    assert sum(subtype in ("Basal", "Her2") for subtype in references) / 30 >= 0.7


def test_tmb_is_that_of_luminal_breast_cancer(tcga):
    median, capture = tcga.execute(
        "select median(tmb_per_mb), min(capture_size_mb) from fct_tumor_mutational_burden "
        "inner join dim_patients on sample_id = patient_id where is_main_analysis_group"
    ).fetchone()
    assert capture == 38
    assert 0.3 < median < 2.0  # non-synonymous exome TMB of HR+ breast cancer: ~1 / Mb


def test_signatures_fall_back_to_sbs6_without_context(tcga):
    catalogues, n_null = tcga.execute(
        "select list(distinct signature_catalogue), count(*) filter (where exposure is null) "
        "from fct_mutational_signatures").fetchone()
    assert catalogues == ["SBS-6"] and n_null == 0


def test_coverage_says_what_was_skipped(tcga):
    status = dict(tcga.execute(
        "select analysis, coverage_status from rpt_analysis_coverage").fetchall())
    for analysis in ("hrd_scores", "cin_scores", "copy_number_alterations",
                     "polar_differential_abundance", "metabolite_network"):
        assert status[analysis] == "skipped: no data"
    assert status["mutated_gene_frequencies"] == "computed"
    assert status["pam50_calls"] == "computed: some patients without the layer"
    assert status["relapse_free_survival"] == "computed"


def test_unknown_values_are_table1_rows_and_left_out_of_tests(tcga):
    rows = tcga.execute(
        "select category_label, sum(n), any_value(n_excluded_unknown) "
        "from rpt_table1_clinicopathology where characteristic = 'lymph_node_status' "
        "group by 1").fetchall()
    counts = {label: (n, excluded) for label, n, excluded in rows}
    # TCGA NX (not assessed) is 'unknown' in the mapping: 5 ductal tumours.
    assert counts["Unknown"] == (5, 5)
    assert counts["Negative"][0] + counts["Positive"][0] == 478 - 5


def test_a_second_grouping_builds_on_the_same_raw_files(tcga_raw):
    warehouse = tcga_raw.parent / "tcga_nodes.duckdb"
    _run("build", "--raw-dir", str(tcga_raw), "--warehouse", str(warehouse),
         "--grouping", "lymph_node_status", "--vars", VARS)
    with duckdb.connect(str(warehouse), read_only=True) as nodes:
        groups = dict(nodes.execute(
            "select group_key, n_patients from rpt_cohort_flow where group_key is not null"
        ).fetchall())
        assert groups == {"node_negative": 248, "node_positive": 271}
        p_value, note = nodes.execute(
            "select p_value, test_note from rpt_survival_tests where test = 'logrank'"
        ).fetchone()
        assert note is None and 0 <= p_value <= 1
