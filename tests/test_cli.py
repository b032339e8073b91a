"""The console script: synth writes every raw file; validate exits non-zero on bad input."""

from __future__ import annotations

import pandas as pd

from calcomics.cli import main
from calcomics.raw_layout import RAW_FILES


def test_synth_writes_all_raw_files(tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path), "--patients", "25", "--seed", "3"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(RAW_FILES.values())
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
