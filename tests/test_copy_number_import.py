"""Copy-number adapters (ASCAT, OncoScan ChAS, .seg) on the shared format examples."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from calcomics.importers.common import ImportInputError, ImportOptions
from calcomics.importers.copy_number import (
    SEGMENT_COLUMNS,
    import_ascat,
    import_chas,
    import_seg,
    normalise_chromosome,
    read_arm_coverage,
    total_copy_number_from_log2_ratio,
)
from calcomics.importers.output import write_import
from calcomics.importers.registry import IMPORTERS, run_importer

FORMATS = Path(__file__).parent / "data" / "copy_number_formats"
ASCAT = FORMATS / "ascat_example.txt"
CHAS = FORMATS / "oncoscan_chas_example.txt"
COVERAGE = FORMATS / "oncoscan_na33_arm_coverage.bed"
NA = None


def _rows(frame: pd.DataFrame, chromosome: str) -> list[tuple]:
    """(start, end, total, A, B) of one chromosome, empty cells as None."""
    part = frame[frame["Chromosome"] == chromosome]
    return [tuple(None if pd.isna(v) else int(v) for v in row)
            for row in part[["Start_position", "End_position", "total_cn", "A_cn",
                             "B_cn"]].itertuples(index=False)]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- ASCAT ---------------------------------------------------------------------------------


def test_ascat_example_gives_allele_specific_segments() -> None:
    result = import_ascat([ASCAT], ImportOptions())
    segments = result.tables["segments"]
    assert list(segments.columns) == SEGMENT_COLUMNS
    assert len(segments) == 24 and set(segments["SampleID"]) == {"sample1"}
    assert _rows(segments, "chr1") == [(754192, 121350934, 2, 1, 1),
                                       (144009053, 249212878, 3, 2, 1)]
    assert _rows(segments, "chr5") == [(38139, 46193462, 3, 2, 1),
                                       (46202104, 180698312, 2, 1, 1)]
    assert _rows(segments, "chr22") == [(16863070, 51213826, 2, 1, 1)]
    assert (segments["total_cn"] == segments["A_cn"] + segments["B_cn"]).all()
    # no ploidy given: length-weighted mean total copy number (two 3-copy segments)
    length = segments["End_position"] - segments["Start_position"] + 1
    gained = length[segments["total_cn"] == 3].sum()
    expected = (2 * length.sum() + gained) / length.sum()
    assert segments["ploidy"].iloc[0] == pytest.approx(round(float(expected), 4))
    assert any("length-weighted" in note for note in result.notes)


def test_ascat_ploidy_from_table_or_column(tmp_path: Path) -> None:
    text = ("sample\tchr\tstartpos\tendpos\tnMajor\tnMinor\n"
            "S1\t1\t1\t100\t1\t1\nS1\t23\t101\t400\t3\t1\n")
    plain = _write(tmp_path, "ascat.txt", text)
    computed = import_ascat([plain], ImportOptions()).tables["segments"]
    assert computed["Chromosome"].tolist() == ["chr1", "chrX"]
    assert computed["ploidy"].tolist() == [3.5, 3.5]  # (2 x 100 + 4 x 300) / 400
    table = _write(tmp_path, "ploidy.tsv", "sample\tploidy\nS1\t2.81\n")
    given = import_ascat([plain], ImportOptions(extra={"ploidy": str(table)}))
    assert given.tables["segments"]["ploidy"].tolist() == [2.81, 2.81]
    column = _write(tmp_path, "ascat_ploidy.txt", text.replace("nMinor\n", "nMinor\tploidy\n")
                    .replace("\t1\n", "\t1\t3.1\n"))
    assert import_ascat([column], ImportOptions()).tables["segments"]["ploidy"].tolist() == [
        3.1, 3.1]


def test_ascat_errors_name_file_line_and_column(tmp_path: Path) -> None:
    header = "sample\tchr\tstartpos\tendpos\tnMajor\tnMinor\n"
    bad_number = _write(tmp_path, "a.txt", header + "S1\t1\t1\t100\t1\t1\nS1\t2\t1\t9\tx\t1\n")
    with pytest.raises(ImportInputError, match=r"a\.txt, line 3, column 'nMajor'"):
        import_ascat([bad_number], ImportOptions())
    overlap = _write(tmp_path, "b.txt", header + "S1\t1\t1\t100\t1\t1\nS1\t1\t50\t200\t2\t1\n")
    with pytest.raises(ImportInputError, match=r"b\.txt, lines 2 and 3: .* overlap on chr1"):
        import_ascat([overlap], ImportOptions())
    missing = _write(tmp_path, "c.txt", "sample\tchr\tstartpos\tendpos\tnMajor\n")
    with pytest.raises(ImportInputError, match="missing column.*nMinor"):
        import_ascat([missing], ImportOptions())
    table = _write(tmp_path, "p.tsv", "sample\tploidy\nS2\t2\n")
    good = _write(tmp_path, "d.txt", header + "S1\t1\t1\t100\t1\t1\n")
    with pytest.raises(ImportInputError, match="no row for sample.*S1"):
        import_ascat([good], ImportOptions(extra={"ploidy": str(table)}))


# --- OncoScan ChAS -------------------------------------------------------------------------


def test_chas_example_paints_calls_on_the_measured_genome() -> None:
    result = import_chas([CHAS], ImportOptions())
    segments = result.tables["segments"]
    assert set(segments["SampleID"]) == {"H19001711"}  # File without .OSCHP
    # Loss (CN 1) with an LOH call over the same extent: 1 copy, alleles 1/0
    assert _rows(segments, "chr1") == [(754192, 49196300, 2, NA, NA),
                                       (49196300, 53012500, 1, 1, 0),
                                       (53012500, 121350934, 2, NA, NA),
                                       (144851599, 249212878, 2, NA, NA)]
    # copy-neutral LOH: 2 copies, alleles 2/0
    assert _rows(segments, "chr2") == [(21494, 90245035, 2, NA, NA),
                                       (95429197, 155882100, 2, NA, NA),
                                       (155882100, 158409100, 2, 2, 0),
                                       (158409100, 243052331, 2, NA, NA)]
    assert _rows(segments, "chr6") == [(204909, 31883400, 2, NA, NA),
                                       (31883400, 31933600, 0, 0, 0),
                                       (31933600, 58770502, 2, NA, NA),
                                       (61886393, 170913051, 2, NA, NA)]
    # LOH across a gain's edge; a gain nested in the 61 Mb gain of the same CN adds nothing;
    # the CN 5 call nested in the CN 3 call is used over its extent; shared end points
    assert _rows(segments, "chr7") == [(41421, 55210000, 2, NA, NA),
                                       (55210000, 55219200, 2, 2, 0),
                                       (55219200, 55240000, 7, 7, 0),
                                       (55240000, 116328000, 7, NA, NA),
                                       (116328000, 116330000, 3, NA, NA),
                                       (116330000, 116350000, 5, NA, NA),
                                       (116350000, 116351200, 3, NA, NA),
                                       (116351200, 129199300, 2, NA, NA),
                                       (129199300, 129813700, 8, NA, NA),
                                       (129813700, 159118443, 2, NA, NA)]
    # chromosomes without a call: the measured arms at copy number 2, nothing in between
    assert _rows(segments, "chr3") == [(63411, 90473621, 2, NA, NA),
                                       (93517443, 197852564, 2, NA, NA)]
    assert _rows(segments, "chr13") == [(19084823, 115103150, 2, NA, NA)]  # 13p unmeasured
    assert not segments["Chromosome"].isin(["chrX", "chrY"]).any()  # sex chromosomes unfilled
    assert segments["Chromosome"].nunique() == 22
    assert sum(result.excluded.values()) == 1  # the same-CN nested call
    assert any("line 13 (CN 5) lies inside line 4 (CN 3)" in note for note in result.notes)
    assert any("13p, 14p, 15p, 21p, 22p" in note for note in result.notes)
    assert any("hg19" in note for note in result.notes)
    assert any("line(s) 4, 13" in note for note in result.notes)


def _chas_with(tmp_path: Path, line: int, column: str, value: str) -> Path:
    frame = pd.read_csv(CHAS, sep="\t", dtype=str, keep_default_na=False)
    frame.loc[line - 2, column] = value
    path = tmp_path / "chas.txt"
    frame.to_csv(path, sep="\t", index=False)
    return path


def test_chas_partly_overlapping_calls_are_an_error(tmp_path: Path) -> None:
    # line 4 (CN 3, 116328000-116351200) now reaches past line 2's gain (CN 8) start
    path = _chas_with(tmp_path, 4, "Full Location", "chr7:116328000-129300000")
    with pytest.raises(ImportInputError, match=r"lines 2 and 4: .* overlap on chr7"):
        import_chas([path], ImportOptions())


@pytest.mark.parametrize(("line", "column", "value", "message"), [
    (3, "Type", "Mosaic Gain", r"line 3, column 'Type': 'Mosaic Gain'"),
    (3, "CN State", "", r"line 3, column 'CN State': a Gain call needs"),
    (5, "CN State", "2.5", r"line 5, column 'CN State'"),
    (5, "CN State", "3", r"line 5: a Loss call with CN State '3'"),
    (6, "Full Location", "chr20:15448100", r"line 6, column 'Full Location'"),
    (6, "Full Location", "chr21:15448100-15486900", r"line 6: 'Full Location'.*chromosome '20'"),
])
def test_chas_bad_rows_name_line_and_column(tmp_path: Path, line: int, column: str,
                                            value: str, message: str) -> None:
    with pytest.raises(ImportInputError, match=message):
        import_chas([_chas_with(tmp_path, line, column, value)], ImportOptions())


def test_arm_coverage_is_the_shipped_oncoscan_file() -> None:
    shipped = read_arm_coverage()
    fixture = read_arm_coverage(COVERAGE)
    pd.testing.assert_frame_equal(shipped, fixture)
    assert len(shipped) == 43 and {"13p", "14p", "15p", "21p", "22p"}.isdisjoint(shipped["arm"])


# --- .seg ----------------------------------------------------------------------------------


SEG = ("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
       "TCGA-A1-A0SB-01\t1\t3218610\t247813706\t120\t0.0030\n"
       "TCGA-A1-A0SB-01\t23\t3000000\t9000000\t80\t0.5849\n"
       "TCGA-A1-A0SB-01\t8\t100\t5000\t8\t-1.2\n"
       "TCGA-A1-A0SB-10\t1\t3218610\t247813706\t120\t0.001\n"
       "TCGA-A2-A0CM-01\tchr17\t100\t900\t12\t-7.5\n"
       "TCGA-A2-A0CM-01\tMT\t1\t16000\t3\t0.1\n")


def test_seg_gives_total_copy_number_only(tmp_path: Path) -> None:
    result = import_seg([_write(tmp_path, "study.seg", SEG)], ImportOptions())
    segments = result.tables["segments"]
    assert segments["SampleID"].tolist() == ["TCGA-A1-A0SB"] * 3 + ["TCGA-A2-A0CM"]
    assert segments["Chromosome"].tolist() == ["chr1", "chr8", "chrX", "chr17"]
    # 2 x 2^0.003 = 2.004 -> 2; 2 x 2^0.5849 = 3.0 -> 3; 2 x 2^-1.2 = 0.87 -> 1; -> 0
    assert segments["total_cn"].tolist() == [2, 1, 3, 0]
    assert segments[["A_cn", "B_cn", "ploidy"]].isna().all().all()
    assert result.excluded == {
        "study.seg: segment not on chromosome 1-22, X or Y": 1,
        "study.seg: segment of a left-out sample": 1,  # the normal (sample type 10)
    }
    assert any("total copy number only" in note for note in result.notes)


def test_seg_log2_conversion_rounds_half_up() -> None:
    ratios = pd.Series([0.0, 0.32192809488736235, -2.0, 1.0])  # 2.5 copies rounds up to 3
    assert total_copy_number_from_log2_ratio(ratios).tolist() == [2, 3, 1, 4]


def test_seg_missing_log2_ratio_is_an_error(tmp_path: Path) -> None:
    text = SEG.replace("0.0030", "NA")
    with pytest.raises(ImportInputError, match=r"line 2, column 'seg.mean'"):
        import_seg([_write(tmp_path, "x.seg", text)], ImportOptions())
    with pytest.raises(ImportInputError, match="no log2_ratio column"):
        import_seg([_write(tmp_path, "y.seg", SEG.replace("seg.mean", "mean"))],
                   ImportOptions())


def test_gdc_seg_column_names_are_accepted(tmp_path: Path) -> None:
    text = ("GDC_Aliquot\tChromosome\tStart\tEnd\tNum_Probes\tSegment_Mean\n"
            "TCGA-A1-A0SB-01A-11D-A142-01\tX\t1\t500\t5\t-1\n")
    segments = import_seg([_write(tmp_path, "gdc.seg", text)], ImportOptions()).tables[
        "segments"]
    assert segments[["SampleID", "Chromosome", "total_cn"]].values.tolist() == [
        ["TCGA-A1-A0SB", "chrX", 1]]


# --- shared --------------------------------------------------------------------------------


def test_chromosome_coding_is_normalised() -> None:
    values = pd.Series(["1", "chr1", "CHR22", "23", "chr24", "x", "MT", "GL000192.1"])
    assert normalise_chromosome(values).tolist() == [
        "chr1", "chr1", "chr22", "chrX", "chrY", "chrX", None, None]


def test_formats_are_registered_and_validate_in_a_raw_folder(tmp_path: Path,
                                                             small_raw_dir: Path) -> None:
    assert {"ascat", "chas", "seg"} <= set(IMPORTERS)
    clinical = pd.read_csv(small_raw_dir / "clinical.csv", dtype=str, keep_default_na=False)
    clinical.loc[0, "patient_id"] = "H19001711"
    raw = tmp_path / "raw"
    raw.mkdir()
    clinical.to_csv(raw / "clinical.csv", index=False)
    result = run_importer("chas", [CHAS], ImportOptions())
    outcome = write_import(result, raw)
    assert outcome.ok, outcome.blocking
    written = pd.read_csv(raw / "segments.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert list(written.columns) == SEGMENT_COLUMNS
    # alleles only where fixed: LOH (chr1, chr2, chr7 x2, chr21), 0 or 1 copies (chr6, chr20 x2)
    assert (written["A_cn"] != "").sum() == 8


def test_write_refuses_a_total_cn_file_for_unknown_patients(tmp_path: Path,
                                                            small_raw_dir: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(small_raw_dir / "clinical.csv", raw / "clinical.csv")
    outcome = write_import(run_importer("chas", [CHAS], ImportOptions()), raw)
    assert not outcome.ok and not (raw / "segments.tsv").exists()
