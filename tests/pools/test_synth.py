"""Synthetic pools: reproducible, valid against the profile schema, and varied where the rules look."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from engine import ir
from engine.model.profile import validate
from engine.pool.synth import rows, settings_for, write


def test_the_same_seed_writes_the_same_pool_byte_for_byte(tmp_path: Path, given_programs_2025: ir.Rulebook) -> None:
    settings = settings_for(300, 7, date(2025, 6, 1), [given_programs_2025])
    write(settings, tmp_path / "a.jsonl")
    write(settings, tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    other = settings_for(300, 8, date(2025, 6, 1), [given_programs_2025])
    write(other, tmp_path / "c.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() != (tmp_path / "c.jsonl").read_bytes()


def test_every_synthetic_profile_passes_the_profile_schema(tmp_path: Path, given_programs_2025: ir.Rulebook) -> None:
    write(settings_for(500, 1, date(2025, 6, 1), [given_programs_2025]), tmp_path / "pool.jsonl")
    lines = (tmp_path / "pool.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 500
    problems = [validate(json.loads(line), f"line {n}").problems for n, line in enumerate(lines, 1)]
    assert [p for p in problems if p] == []


def test_the_pool_mixes_listed_and_unlisted_occupations_french_results_and_missing_facts(
        given_programs_2025: ir.Rulebook) -> None:
    listed = {c for table in given_programs_2025.occupation_lists.values() for c in table.codes}
    pool = list(rows(settings_for(2000, 3, date(2025, 6, 1), [given_programs_2025])))
    codes = [j["noc"] for r in pool for j in r["work_history"] or ()]
    assert 0.3 < sum(c in listed for c in codes) / len(codes) < 0.8
    assert any(t["test"] in ("tef_canada", "tcf_canada") for r in pool for t in r["language_tests"] or ())
    assert any(r["eligible_programs"] is None for r in pool) and any(r["eligible_programs"] == [] for r in pool)
    assert any(j["hours_per_week"] is None for r in pool for j in r["work_history"] or ())
    assert all(j["end"] is None or j["start"] <= j["end"] for r in pool for j in r["work_history"] or ())
    ages = [(date(2025, 6, 1) - r["date_of_birth"]).days / 365.25 for r in pool]
    assert min(ages) >= 18 and max(ages) < 50 and 28 < sum(ages) / len(ages) < 36


def test_rules_pool_synth_writes_parquet_and_refuses_an_unknown_format(tmp_path: Path) -> None:
    import duckdb
    from click.testing import CliRunner

    from engine.cli.main import main

    out = tmp_path / "pool.parquet"
    result = CliRunner().invoke(main, ["pool", "synth", "--size", "250", "--seed", "4", "--year", "2025",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert duckdb.sql(f"SELECT count(*), count(DISTINCT id) FROM '{out}'").fetchall() == [(250, 250)]
    refused = CliRunner().invoke(main, ["pool", "synth", "--size", "5", "--out", str(tmp_path / "pool.xlsx")])
    assert refused.exit_code == 2 and "use .parquet, .jsonl or .ndjson" in refused.output
