"""Genomic marts on real dbt builds: TMB, gene-level copy number, CIN, comparisons."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.reference import protein_coding_genes
from calcomics.synth.copy_number import weighted_median_cn
from calcomics.warehouse.build import build_warehouse

PROJECT_DIR = Path(__file__).resolve().parents[1]
NONSYNONYMOUS = {"Frame_Shift_Del", "Frame_Shift_Ins", "Splice_Site", "Translation_Start_Site",
                 "Nonsense_Mutation", "Nonstop_Mutation", "In_Frame_Del", "In_Frame_Ins",
                 "Missense_Mutation"}


def _rates(warehouse, gene: str, condition: str) -> dict[str, tuple[int, int]]:
    rows = warehouse.execute(
        f"select p.group_key, count(*) filter (where {condition}), count(*) "
        "from fct_gene_copy_number g inner join dim_patients p on g.sample_id = p.patient_id "
        "where g.gene_symbol = ? group by 1", [gene]
    ).fetchall()
    return {group: (hit, n) for group, hit, n in rows}


def test_planted_tp53_loss_and_ccnd2_gain_rates(warehouse):
    tp53 = _rates(warehouse, "TP53", "copy_number_call < 0")
    assert [tp53[g] for g in ("negative", "probably_benign", "high_suspicion")] == [
        (37, 93), (38, 83), (63, 88)]  # 39.8 / 45.8 / 71.6 % in the paper
    ccnd2 = _rates(warehouse, "CCND2", "copy_number_call > 0")
    assert [ccnd2[g] for g in ("negative", "probably_benign", "high_suspicion")] == [
        (16, 93), (7, 83), (21, 88)]  # 17.2 / 8.4 / 23.9 %


def test_11q_and_17p_loss_enriched_in_high_suspicion(warehouse):
    for gene in ("ATM", "TP53"):
        rates = {g: hit / n for g, (hit, n) in _rates(warehouse, gene, "copy_number_call < 0")
                 .items()}
        assert rates["high_suspicion"] > 1.5 * max(rates["negative"], rates["probably_benign"])


def test_gene_values_match_an_independent_python_computation(warehouse, default_cohort):
    segments = default_cohort.segments
    gene = protein_coding_genes().set_index("gene_symbol").loc["CDKN2A"]
    expected = {}
    for sample_id, seg in segments.groupby("SampleID"):
        auto = seg[~seg["Chromosome"].isin(["chrX", "chrY"])]
        length = (auto["End_position"] - auto["Start_position"] + 1).to_numpy()
        median = weighted_median_cn(auto["total_cn"].to_numpy(), length)
        hit = auto[(auto["Chromosome"] == gene["chrom"]) & (auto["End_position"] >= gene["start"])
                   & (auto["Start_position"] <= gene["end"])]
        overlap = (np.minimum(hit["End_position"], gene["end"])
                   - np.maximum(hit["Start_position"], gene["start"]) + 1).to_numpy()
        x = np.log2(np.maximum(hit["total_cn"].to_numpy(), 1e-3) / 2) - np.log2(median / 2)
        v = 2 ** (np.clip(x, -1.5, 1.5) + 1) - 2
        expected[sample_id] = float((v * overlap).sum() / overlap.sum())
    observed = dict(warehouse.execute(
        "select sample_id, copy_number_value from fct_gene_copy_number where gene_symbol = ?",
        ["CDKN2A"]).fetchall())
    assert observed.keys() == expected.keys()
    for sample_id, value in expected.items():
        assert observed[sample_id] == pytest.approx(value, abs=1e-12)


def test_cin_is_sum_of_squared_gene_values(warehouse):
    diff = warehouse.execute(
        "select max(abs(c.cin_score - s.total)) from fct_cin_scores c inner join ("
        " select sample_id, sum(copy_number_value ^ 2) as total from fct_gene_copy_number"
        " group by 1) s on c.sample_id = s.sample_id").fetchone()[0]
    assert diff < 1e-6


def test_tmb_matches_maftools_definition(warehouse, default_cohort):
    maf = default_cohort.mutations
    counts = maf[maf["Variant_Classification"].isin(NONSYNONYMOUS)].groupby(
        "Tumor_Sample_Barcode").size()
    observed = dict(warehouse.execute(
        "select sample_id, n_nonsynonymous from fct_tumor_mutational_burden").fetchall())
    assert len(observed) == 271
    assert all(observed[s] == counts.get(s, 0) for s in observed)
    row = warehouse.execute(
        "select capture_size_mb, tmb_per_mb * capture_size_mb - n_nonsynonymous "
        "from fct_tumor_mutational_burden limit 1").fetchone()
    assert row[0] == 35.8 and abs(row[1]) < 1e-9


def test_high_suspicion_has_higher_tmb_and_cin(warehouse):
    rows = warehouse.execute(
        "select feature, group_a_key, group_b_key, median_a, median_b, p_adjusted "
        "from fct_group_comparisons where test = 'wilcoxon_rank_sum' "
        "and group_b_key = 'high_suspicion'").fetchall()
    assert {r[0] for r in rows} >= {"tmb_per_mb", "cin_score"}
    for feature, _, _, median_other, median_high, p_adjusted in rows:
        if feature in {"tmb_per_mb", "cin_score"}:
            assert median_high > median_other and p_adjusted < 0.05, feature


@pytest.fixture(scope="module")
def edge_warehouse(small_raw_dir, tmp_path_factory):
    """Small cohort with a silent-only sample, duplicated MAF rows and an indel-only sample."""
    root = tmp_path_factory.mktemp("edge")
    raw = root / "raw"
    shutil.copytree(small_raw_dir, raw)
    maf = pd.read_csv(raw / "mutations.maf", sep="\t", dtype=str, keep_default_na=False)
    samples = maf["Tumor_Sample_Barcode"].unique()
    silent_sample, duplicated_sample, indel_sample = samples[0], samples[1], samples[2]
    maf.loc[maf["Tumor_Sample_Barcode"] == silent_sample, "Variant_Classification"] = "Silent"
    duplicates = maf[maf["Tumor_Sample_Barcode"] == duplicated_sample].head(3)
    snvs_of_indel_sample = (maf["Tumor_Sample_Barcode"] == indel_sample) & (
        maf["Variant_Type"] == "SNP")
    assert (maf["Tumor_Sample_Barcode"] == indel_sample).sum() > snvs_of_indel_sample.sum()
    maf = maf[~snvs_of_indel_sample]
    pd.concat([maf, duplicates]).to_csv(raw / "mutations.maf", sep="\t", index=False)
    gap = _cut_segment_gap(raw / "segments.tsv")
    # the genomic marts and the patient overview that joins them (not the other areas)
    build_warehouse(PROJECT_DIR, raw, root / "warehouse.duckdb", quiet=True,
                    select="+fct_tumor_mutational_burden +fct_mutational_signatures "
                           "+fct_mutated_gene_frequencies +fct_gene_copy_number +dim_patients "
                           "+rpt_patient_overview", target_path=root / "target")
    connection = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    yield connection, silent_sample, duplicated_sample, maf, gap
    connection.close()


def _cut_segment_gap(path: Path) -> dict:
    """Remove an interior autosomal segment that contains a whole gene; return the facts."""
    segments = pd.read_csv(path, sep="\t")
    genes = protein_coding_genes()
    for i in range(1, len(segments) - 1):
        row, before, after = segments.iloc[i], segments.iloc[i - 1], segments.iloc[i + 1]
        same = before["SampleID"] == row["SampleID"] == after["SampleID"]
        same = same and before["Chromosome"] == row["Chromosome"] == after["Chromosome"]
        if not same or row["Chromosome"] in ("chrX", "chrY"):
            continue
        inside = genes[(genes["chrom"] == row["Chromosome"])
                       & (genes["start"] > row["Start_position"])
                       & (genes["end"] < row["End_position"])]
        if len(inside):
            segments.drop(index=segments.index[i]).to_csv(path, sep="\t", index=False)
            return {"sample_id": row["SampleID"], "gene_symbol": inside["gene_symbol"].iloc[0],
                    "chromosome": row["Chromosome"], "left_end": int(before["End_position"]),
                    "right_start": int(after["Start_position"])}
    raise AssertionError("no interior segment with a whole gene inside")


def test_silent_only_sample_gets_zero_tmb(edge_warehouse):
    warehouse, silent_sample, _, _, _ = edge_warehouse
    row = warehouse.execute(
        "select n_nonsynonymous, tmb_per_mb, n_silent from fct_tumor_mutational_burden "
        "where sample_id = ?", [silent_sample]).fetchone()
    assert row[0] == 0 and row[1] == 0.0 and row[2] > 0


def test_duplicates_removed_and_counted(edge_warehouse):
    warehouse, _, duplicated_sample, maf, _ = edge_warehouse
    n_rows = int((maf["Tumor_Sample_Barcode"] == duplicated_sample).sum())
    row = warehouse.execute(
        "select n_variant_rows, n_duplicate_rows_removed, n_nonsynonymous + n_silent "
        "from fct_tumor_mutational_burden where sample_id = ?", [duplicated_sample]).fetchone()
    assert row == (n_rows + 3, 3, n_rows)


def test_mutated_gene_frequencies_reproduce_the_paper(warehouse):
    rows = dict(
        (gene, (n, round(100 * freq)))
        for gene, n, freq in warehouse.execute(
            "select distinct gene_symbol, n_mutated_all, fraction_mutated_all "
            "from fct_mutated_gene_frequencies "
            "where gene_symbol in ('PIK3CA', 'TP53', 'GATA3', 'MAP3K1', 'AKT1')").fetchall()
    )
    # Paper: PIK3CA 46 %, TP53 26 %, GATA3 14 %, MAP3K1 15 %, AKT1 10 % of 271 sequenced.
    assert rows == {"PIK3CA": (125, 46), "TP53": (70, 26), "GATA3": (38, 14),
                    "MAP3K1": (41, 15), "AKT1": (27, 10)}
    map3k1 = dict((key, (frequency, p)) for key, frequency, p in warehouse.execute(
        "select group_key, fraction_mutated, p_value from fct_mutated_gene_frequencies "
        "where gene_symbol = 'MAP3K1'"
    ).fetchall())
    assert map3k1.keys() == {"negative", "probably_benign", "high_suspicion"}
    frequency = {key: value[0] for key, value in map3k1.items()}
    assert frequency["negative"] > max(frequency["probably_benign"], frequency["high_suspicion"])
    assert len({value[1] for value in map3k1.values()}) == 1
    assert 0 < map3k1["negative"][1] < 1


def test_cell_cycle_panel_rates_and_exact_p(warehouse):
    rows = {
        (gene, direction): (n, pb, hs, p)
        for gene, direction, n, pb, hs, p in warehouse.execute(
            "select gene_symbol, direction,"
            " any_value(n_altered) filter (where group_key = 'negative'),"
            " any_value(n_altered) filter (where group_key = 'probably_benign'),"
            " any_value(n_altered) filter (where group_key = 'high_suspicion'),"
            " any_value(p_value_all_main_groups) from rpt_cell_cycle_copy_number group by 1, 2"
        ).fetchall()
    }
    assert rows[("CCND2", "gain")][:3] == (16, 7, 21)
    assert round(rows[("CCND2", "gain")][3], 3) == 0.023  # the paper prints P = 0.023
    assert rows[("TP53", "loss")][:3] == (37, 38, 63) and rows[("TP53", "loss")][3] < 0.001


def test_arm_level_17p_and_11q_loss_significant_after_bonferroni(warehouse):
    rows = dict(warehouse.execute(
        "select feature, p_adjusted from fct_copy_number_alteration_frequencies "
        "where level = 'arm' and direction = 'loss' and feature in ('17p', '11q') "
        "and group_key = 'high_suspicion'").fetchall())
    assert rows["17p"] < 0.05 and rows["11q"] < 0.05


def test_hrd_mart_equals_the_hrd_command(warehouse, default_build, capsys):
    from calcomics.commands.hrd import hrd_main

    raw_segments = default_build[1].parent / "raw" / "segments.tsv"
    assert hrd_main([str(raw_segments)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "sample_id\thrd_loh\ttai\tlst\thrd_sum"
    from_command = {line.split("\t")[0]: tuple(map(int, line.split("\t")[1:]))
                    for line in printed[1:]}
    from_mart = {row[0]: tuple(row[1:]) for row in warehouse.execute(
        "select sample_id, hrd_loh, tai, lst, hrd_sum from fct_hrd_scores").fetchall()}
    assert len(from_mart) == 271 and from_mart == from_command


def test_hrd_higher_in_high_suspicion_and_joined_into_patient_overview(warehouse):
    row = warehouse.execute(
        "select median_a, median_b, p_adjusted from fct_group_comparisons "
        "where feature = 'hrd_sum' and group_a_key = 'negative' "
        "and group_b_key = 'high_suspicion'"
    ).fetchone()
    assert row[1] > row[0] and row[2] < 0.05
    missing = warehouse.execute(
        "select count(*) filter (where has_copy_number and hrd_sum is null), "
        "count(*) filter (where has_wes and tmb_per_mb is null) from rpt_patient_overview"
    ).fetchone()
    assert missing == (0, 0)


def test_mutational_signatures_mart(warehouse):
    rows = warehouse.execute(
        "select sample_id, sum(fraction_of_exposure), any_value(reconstruction_cosine), "
        "any_value(n_snvs_used) from fct_mutational_signatures group by sample_id").fetchall()
    assert len(rows) == 271
    assert all(abs(total - 1) < 1e-9 for _, total, _, n in rows if n > 0)
    assert np.median([cosine for _, _, cosine, n in rows if n >= 100]) > 0.85
    signatures = {row[0] for row in warehouse.execute(
        "select distinct signature from fct_mutational_signatures").fetchall()}
    assert signatures == {"SBS1", "SBS2", "SBS3", "SBS5", "SBS8", "SBS13", "SBS18"}
    compared = warehouse.execute(
        "select count(distinct feature) from fct_group_comparisons "
        "where feature_family = 'mutational_signature'").fetchone()
    assert compared == (7,)


def test_gene_in_a_segmentation_gap_takes_the_flanking_mean(edge_warehouse):
    warehouse, _, _, _, gap = edge_warehouse
    value, source = warehouse.execute(
        "select copy_number_value, value_source from fct_gene_copy_number "
        "where sample_id = ? and gene_symbol = ?", [gap["sample_id"], gap["gene_symbol"]]
    ).fetchone()
    flanks = warehouse.execute(
        "select copy_number_value from intermediate.int_segments_median_centred "
        "where sample_id = ? "
        "and chromosome = ? and (end_position = ? or start_position = ?)",
        [gap["sample_id"], gap["chromosome"], gap["left_end"], gap["right_start"]],
    ).fetchall()
    assert source == "flanking_segments" and len(flanks) == 2
    assert value == pytest.approx((flanks[0][0] + flanks[1][0]) / 2, abs=1e-12)


def test_indel_only_sample_has_unfitted_signature_rows(edge_warehouse):
    warehouse, _, _, maf, _ = edge_warehouse
    indel_sample = maf["Tumor_Sample_Barcode"].unique()[2]
    rows = warehouse.execute(
        "select signature_catalogue, exposure, fraction_of_exposure, n_snvs_used, "
        "n_variants_excluded, fit_note from fct_mutational_signatures where sample_id = ?",
        [indel_sample]).fetchall()
    n_indels = int((maf["Tumor_Sample_Barcode"] == indel_sample).sum())
    assert len(rows) == 7
    assert set(rows) == {(None, None, None, 0, n_indels,
                          "not fitted: no usable single-base substitution")}
    fitted = warehouse.execute(
        "select distinct signature_catalogue from fct_mutational_signatures "
        "where sample_id != ?", [indel_sample]).fetchall()
    assert fitted == [("SBS-96",)]  # the demo MAF carries trinucleotide context


def test_patients_absent_from_the_maf_are_not_sequenced(edge_warehouse):
    """A MAF covering a subset of the patients: the others have no TMB or signature row."""
    warehouse, silent_sample, _, maf, _ = edge_warehouse
    in_maf = set(maf["Tumor_Sample_Barcode"])
    patients = {row[0] for row in warehouse.execute("select patient_id from dim_patients")
                .fetchall()}
    assert in_maf < patients  # the demo cohort sequenced only some patients
    for mart in ("fct_tumor_mutational_burden", "fct_mutational_signatures"):
        samples = {row[0] for row in warehouse.execute(f"select sample_id from {mart}")
                   .fetchall()}
        assert samples == in_maf, mart
    assert warehouse.execute(
        "select distinct n_sequenced_all from fct_mutated_gene_frequencies").fetchall() == [
        (len(in_maf),)]
    overview = dict(warehouse.execute(
        "select patient_id, tmb_per_mb from rpt_patient_overview").fetchall())
    assert all(overview[p] is None for p in patients - in_maf)
    assert overview[silent_sample] == 0.0  # sequenced, nothing non-synonymous: TMB 0


MUTATION_MARTS = ("fct_tumor_mutational_burden", "fct_mutational_signatures",
                  "fct_mutated_gene_frequencies")


@pytest.fixture(scope="module")
def no_maf_warehouse(small_raw_dir, tmp_path_factory):
    """Small cohort whose mutations.maf is header-only (an absent mutation layer)."""
    root = tmp_path_factory.mktemp("no_maf")
    raw = root / "raw"
    shutil.copytree(small_raw_dir, raw)
    header = (raw / "mutations.maf").read_text().split("\n", 1)[0]
    (raw / "mutations.maf").write_text(header + "\n")
    build_warehouse(PROJECT_DIR, raw, root / "warehouse.duckdb", quiet=True,
                    select=" ".join(f"+{mart}" for mart in MUTATION_MARTS),
                    target_path=root / "target")
    connection = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_header_only_maf_builds_every_mutation_mart_empty(no_maf_warehouse):
    models = (*MUTATION_MARTS, "intermediate.int_tumor_mutational_burden",
              "intermediate.int_signature_exposures", "intermediate.int_mutated_gene_frequencies")
    for model in models:
        assert no_maf_warehouse.execute(f"select count(*) from {model}").fetchone() == (0,)
    # nobody is sequenced: no TMB row means "not sequenced", never TMB 0
    assert no_maf_warehouse.execute(
        "select count(*) filter (where has_wes), count(*) from intermediate.int_patient_spine"
    ).fetchone() == (0, 40)
    types = dict(no_maf_warehouse.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = 'fct_mutational_signatures'").fetchall())
    assert (types["exposure"], types["n_snvs_used"], types["signature_catalogue"]) == (
        "DOUBLE", "INTEGER", "VARCHAR")
    types = dict(no_maf_warehouse.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = 'fct_mutated_gene_frequencies'").fetchall())
    assert (types["p_value"], types["n_mutated"], types["test_note"]) == (
        "DOUBLE", "INTEGER", "VARCHAR")
