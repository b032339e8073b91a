"""The console script: synth writes every raw file and its provenance; validate exits non-zero
on bad input; build generates the demo only when asked (or nothing is configured) and never
replaces a warehouse built from real data with it."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

import calcomics
from calcomics.cli import _build_vars, build_parser, main
from calcomics.warehouse.build import (
    BuildRefusedError,
    check_not_replacing_real,
    prepare_raw_dir,
    raw_dir_is_configured,
    raw_dir_is_synthetic,
)
from calcomics.warehouse.raw_layout import DEMO_MARKER, RAW_FILES


def test_synth_writes_all_raw_files(tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path), "--patients", "25", "--seed", "3"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*RAW_FILES.values(),
                                                                 DEMO_MARKER])
    assert "demo cohort of 25 patients (seed 3)" in capsys.readouterr().out
    clinical = pd.read_csv(tmp_path / "clinical.csv")
    assert len(clinical) == 25 and clinical["patient_id"].is_unique


def test_synth_is_deterministic(tmp_path):
    main(["synth", "--out", str(tmp_path / "a"), "--patients", "20", "--seed", "1"])
    main(["synth", "--out", str(tmp_path / "b"), "--patients", "20", "--seed", "1"])
    for name in RAW_FILES.values():
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_validate_exit_codes(small_raw_dir, tmp_path, capsys):
    assert main(["validate", "--raw-dir", str(small_raw_dir)]) == 0
    assert "all passed" in capsys.readouterr().out
    assert main(["validate", "--raw-dir", str(tmp_path)]) == 2
    assert "clinical.csv: required raw file is missing" in capsys.readouterr().err


# --- demo provenance and `calcomics build` decisions (nothing here runs dbt) -------------


def _real_warehouse(path, origin="real"):
    """A stand-in warehouse whose meta_build says where its data came from."""
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"create table meta_build as select '{origin}' as data_origin")
    return path.read_bytes()


def test_synth_records_its_provenance(tmp_path):
    main(["synth", "--out", str(tmp_path), "--patients", "12", "--seed", "5"])
    marker = json.loads((tmp_path / DEMO_MARKER).read_text())
    assert (marker["generator"], marker["patients"], marker["seed"]) == ("calcomics.synth", 12, 5)
    assert marker["generator_version"] == calcomics.__version__
    assert sorted(marker["files"]) == sorted(RAW_FILES.values())
    for name, digest in marker["files"].items():
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == digest
    assert raw_dir_is_synthetic(tmp_path)


def test_an_edited_demo_file_no_longer_counts_as_synthetic(tmp_path):
    main(["synth", "--out", str(tmp_path), "--patients", "12", "--seed", "5"])
    with (tmp_path / "clinical.csv").open("a") as handle:
        handle.write("\n")
    assert not raw_dir_is_synthetic(tmp_path)
    (tmp_path / "clinical.csv").unlink()
    assert not raw_dir_is_synthetic(tmp_path)


def test_validation_ignores_the_demo_marker(tmp_path, capsys):
    main(["synth", "--out", str(tmp_path), "--patients", "30", "--seed", "2"])
    capsys.readouterr()
    assert main(["validate", "--raw-dir", str(tmp_path)]) == 0
    assert "all passed" in capsys.readouterr().out


def test_build_with_a_missing_raw_dir_is_an_error(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    code = main(["build", "--raw-dir", str(missing), "--warehouse", str(tmp_path / "w.duckdb")])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{missing} does not exist" in err and "calcomics build --demo" in err
    assert not missing.exists() and not (tmp_path / "w.duckdb").exists()


def test_build_with_an_empty_configured_raw_dir_is_an_error(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "raw"
    empty.mkdir()
    monkeypatch.setenv("CALCOMICS_RAW_DIR", str(empty))
    assert main(["build", "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert f"{empty} is empty" in capsys.readouterr().err
    assert list(empty.iterdir()) == []


def test_demo_never_overwrites_real_files(small_raw_dir, tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(small_raw_dir, raw)
    before = {p.name: p.read_bytes() for p in raw.iterdir()}
    code = main(["build", "--demo", "--raw-dir", str(raw),
                 "--warehouse", str(tmp_path / "w.duckdb")])
    assert code == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in raw.iterdir()} == before


@pytest.mark.parametrize("origin", ["real", "unknown"])
def test_demo_data_never_replaces_a_real_warehouse_without_demo(tmp_path, capsys, origin):
    raw = tmp_path / "raw"
    main(["synth", "--out", str(raw), "--patients", "12", "--seed", "5"])
    capsys.readouterr()
    warehouse = tmp_path / "w.duckdb"
    if origin == "real":
        before = _real_warehouse(warehouse)
    else:  # a warehouse without meta_build (built before it existed)
        duckdb.connect(str(warehouse)).close()
        before = warehouse.read_bytes()
    assert main(["build", "--raw-dir", str(raw), "--warehouse", str(warehouse)]) == 2
    err = capsys.readouterr().err
    assert "Pass --demo to replace it" in err and f"'{origin}'" in err
    assert warehouse.read_bytes() == before


def test_a_demo_warehouse_may_be_replaced_by_a_demo(tmp_path):
    raw = tmp_path / "raw"
    main(["synth", "--out", str(raw), "--patients", "12", "--seed", "5"])
    _real_warehouse(tmp_path / "w.duckdb", origin="synthetic")
    check_not_replacing_real(tmp_path / "w.duckdb", synthetic=True, demo=False)
    check_not_replacing_real(tmp_path / "absent.duckdb", synthetic=True, demo=False)
    _real_warehouse(tmp_path / "real.duckdb")
    check_not_replacing_real(tmp_path / "real.duckdb", synthetic=True, demo=True)
    check_not_replacing_real(tmp_path / "real.duckdb", synthetic=False, demo=False)


def test_demo_generation_only_when_asked_or_unconfigured(tmp_path):
    options = {"demo_patients": 12, "demo_seed": 5}
    with pytest.raises(BuildRefusedError, match="is empty"):
        (tmp_path / "a").mkdir()
        prepare_raw_dir(tmp_path / "a", demo=False, generate_if_empty=False, **options)
    assert prepare_raw_dir(tmp_path / "b", demo=False, generate_if_empty=True, **options)
    assert raw_dir_is_synthetic(tmp_path / "b")
    # a filled folder is used as it is, with or without the default demo generation
    assert not prepare_raw_dir(tmp_path / "b", demo=False, generate_if_empty=True, **options)
    # --demo reuses the same unchanged demo and rewrites one of another size or seed
    assert not prepare_raw_dir(tmp_path / "b", demo=True, generate_if_empty=False, **options)
    assert prepare_raw_dir(tmp_path / "b", demo=True, generate_if_empty=False,
                           demo_patients=12, demo_seed=6)
    assert json.loads((tmp_path / "b" / DEMO_MARKER).read_text())["seed"] == 6


def test_raw_dir_is_configured_by_option_or_environment(monkeypatch):
    monkeypatch.delenv("CALCOMICS_RAW_DIR", raising=False)
    assert not raw_dir_is_configured(None)
    assert raw_dir_is_configured("data/mine")
    monkeypatch.setenv("CALCOMICS_RAW_DIR", "/data/cohort")
    assert raw_dir_is_configured(None)


def test_grouping_shorthands_merge_with_vars():
    def dbt_vars(*argv):
        return _build_vars(build_parser().parse_args(["build", *argv]))

    assert dbt_vars() is None
    assert dbt_vars("--grouping", "snf_subtype", "--vars", "{expression_scale: counts}") == {
        "grouping": "snf_subtype", "expression_scale": "counts"}
    assert dbt_vars("--grouping-column", "her2_ihc") == {"grouping_column": "her2_ihc"}
    assert dbt_vars("--grouping", "x", "--vars", "{grouping: x}") == {"grouping": "x"}
    with pytest.raises(SystemExit, match="contradicts"):
        dbt_vars("--grouping", "x", "--vars", "{grouping: y}")


def test_every_option_has_help_text():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in commands.choices.items():
        for action in command._actions:
            if not isinstance(action, argparse._HelpAction):
                assert action.help, f"calcomics {name} {action.option_strings or action.dest}"


def test_version_and_every_subcommand_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"calcomics {calcomics.__version__}"
    commands = next(a for a in build_parser()._actions
                    if isinstance(a, argparse._SubParsersAction))
    for name in commands.choices:
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0, name
        assert capsys.readouterr().out.startswith(f"usage: calcomics {name}"), name


def test_hrd_writes_its_table_with_o(tmp_path, capsys):
    from pathlib import Path

    from calcomics.commands.hrd_options import GENOME_REFERENCES
    from calcomics.methods.hrd import REFERENCES

    assert GENOME_REFERENCES == tuple(REFERENCES)
    segments = Path(__file__).parent / "data" / "hrd" / "scarhrd_test2_segments.tsv"
    out = tmp_path / "scores.tsv"
    assert main(["hrd", str(segments), "--reference", "grch37", "-o", str(out)]) == 0
    table = pd.read_csv(out, sep="\t")
    assert list(table.columns) == ["sample_id", "hrd_loh", "tai", "lst", "hrd_sum"]
    assert capsys.readouterr().out == ""  # the table went to the file, not stdout
    assert main(["hrd", str(segments), "--reference", "grch37"]) == 0
    assert capsys.readouterr().out == out.read_text()


def test_every_subcommand_takes_quiet():
    commands = next(a for a in build_parser()._actions
                    if isinstance(a, argparse._SubParsersAction))
    without = [name for name, command in commands.choices.items()
               if not any("-q" in action.option_strings for action in command._actions)]
    assert without == []


def test_quiet_silences_progress_and_summaries_but_not_warnings(tmp_path, capsys):
    raw = tmp_path / "raw"
    assert main(["synth", "--out", str(raw), "--patients", "40", "--seed", "2", "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["validate", "--raw-dir", str(raw), "-q"]) == 0
    assert capsys.readouterr().out == ""
    # a counts matrix: gsva warns about the scale even with -q, and shows progress without
    rng = np.random.default_rng(5)
    genes = [f"g{i}" for i in range(600)]
    counts = tmp_path / "counts.tsv"
    pd.DataFrame(rng.poisson(200, size=(600, 30)), index=pd.Index(genes, name="gene"),
                 columns=[f"S{j}" for j in range(30)]).to_csv(counts, sep="\t")
    gmt = tmp_path / "sets.gmt"
    gmt.write_text(f"A\tna\t{chr(9).join(genes[:20])}\nB\tna\t{chr(9).join(genes[20:])}\n")
    assert main(["gsva", str(counts), str(gmt), "-o", str(tmp_path / "o.tsv"), "-q"]) == 0
    quiet = capsys.readouterr()
    assert quiet.out == ""
    assert "looks un-logged" in quiet.err and "scoring [" not in quiet.err
    assert main(["gsva", str(counts), str(gmt), "-o", str(tmp_path / "o.tsv")]) == 0
    loud = capsys.readouterr()
    assert "calcomics gsva: scoring [" in loud.err and "100 %" in loud.err
    assert loud.out.startswith("calcomics gsva (gsva, kcdf Gaussian): ")


def test_every_command_that_writes_files_takes_o():
    commands = next(a for a in build_parser()._actions
                    if isinstance(a, argparse._SubParsersAction)).choices
    writers = {"synth", "import", "report", "gsva", "hrd", "network"}
    without = sorted(name for name in writers
                     if not any("-o" in a.option_strings for a in commands[name]._actions))
    assert without == []
