"""A job's country, however it is written (ISO 3166 alpha-2 or alpha-3 code, English or French name, any case), is
read as one canonical value, the ISO English short name, which is what the rules compare with (`job.country ==
"Canada"`). Before, `country: CA` silently counted as work abroad. An unknown country is a profile problem at its JSON
path, and a rejected row in a pool, whatever the pool's format."""

from __future__ import annotations

import copy
import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from engine import ir
from engine.cli.main import main
from engine.eval.traced import evaluate_profile
from engine.model.facts import facts_from_profile
from engine.model.pool_columns import arrow_schema, row_from_profile
from engine.model.profile import country_names, normalise_country, read_profiles, validate
from engine.model.quantities import Points
from engine.pool.load import load_pool, pool_connection
from engine.pool.synth import COUNTRIES
from tests.conftest import EXAMPLES

MEERA = EXAMPLES / "meera-data-analyst-raw-scores.yaml"  # a job in Canada and one in India; CRS computed
AS_OF = date(2025, 6, 1)

SPELLINGS = {
    "Canada": ["CA", "CAN", "Canada", "canada", "  CANADA ", "ca"],
    "India": ["IN", "IND", "India", "india", "Inde"],
    "United States": ["US", "usa", "United States", "United States of America", "États-Unis", "etats-unis"],
    "Germany": ["DE", "DEU", "Germany", "Allemagne", "allemagne"],
    "Korea, Republic of": ["KR", "KOR", "South Korea", "Corée, République de"],
    "Côte d'Ivoire": ["CI", "CIV", "Côte d'Ivoire", "cote d'ivoire"],
}


@pytest.mark.parametrize("canonical", sorted(SPELLINGS))
def test_every_spelling_of_a_country_has_one_canonical_value(canonical: str) -> None:
    assert {normalise_country(spelling) for spelling in SPELLINGS[canonical]} == {canonical}


def test_the_canonical_value_is_the_iso_english_short_name_so_existing_profiles_read_the_same() -> None:
    """Every country written in the example profiles and drawn by the synthetic pools is its own canonical value:
    their outputs do not change."""
    written = {job["country"] for path in sorted(EXAMPLES.iterdir()) for profile in read_profiles(path)
               for job in (profile.data or {}).get("work_history", []) if "country" in job}
    assert {"Canada", "India", "France"} <= written
    for country in written | set(COUNTRIES):
        assert normalise_country(country) == country
    assert len(set(country_names().values())) == 249  # every ISO 3166-1 country


def test_no_spelling_names_two_countries() -> None:
    names = country_names()
    assert names["ca"] == "Canada" and names["cm"] == "Cameroon" and names["in"] == "India"
    assert all(value == normalise_country(value) for value in set(names.values()))


def _meera(*countries: str) -> dict[str, Any]:
    profile = read_profiles(MEERA)[0].data
    assert profile is not None
    document = copy.deepcopy(dict(profile))
    for job, country in zip(document["work_history"], countries):
        job["country"] = country
    return document


def _crs(rulebook: ir.Rulebook, document: dict[str, Any]) -> int:
    checked = validate(document, "profile")
    assert checked.data is not None, checked.problems
    score = evaluate_profile(rulebook, facts_from_profile(checked.data), AS_OF).score
    assert score is not None and isinstance(score.total, Points)
    return score.total.amount


def test_the_crs_is_the_same_however_canada_and_a_foreign_country_are_written(rulebook_2025: ir.Rulebook) -> None:
    totals = {(canadian, foreign): _crs(rulebook_2025, _meera(canadian, foreign))
              for canadian in SPELLINGS["Canada"] for foreign in SPELLINGS["India"]}
    assert len(set(totals.values())) == 1, totals
    # The test can fail: the Canadian job written as a foreign country changes the score.
    assert _crs(rulebook_2025, _meera("India", "India")) != totals[("Canada", "India")]
    assert _crs(rulebook_2025, _meera("France", "IN")) == _crs(rulebook_2025, _meera("FR", "India"))


def test_an_unknown_country_is_a_problem_at_its_json_path() -> None:
    checked = validate(_meera("Canada", "Atlantis"), "profile")
    assert checked.data is None
    assert [(p.path, p.message) for p in checked.problems] == [
        ("$.work_history[1].country", "'Atlantis' is not a country: write its ISO 3166 code (CA or CAN) or its name "
                                      "in English or French (Canada)")]
    (problem,) = validate(_meera("Frnace", "India"), "profile").problems
    assert problem.path == "$.work_history[0].country" and problem.message.endswith("did you mean 'France'?")
    (problem,) = validate(_meera("Canada", "Russia"), "profile").problems
    assert problem.message.endswith("did you mean 'Russian Federation'?")


def test_rules_eval_names_the_bad_country_and_evaluates_the_others(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_meera("Canada", "Narnia")), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(bad), str(MEERA), "--year", "2025", "--as-of", "2025-06-01"])
    assert result.exit_code == 2
    assert "$.work_history[1].country: 'Narnia' is not a country" in result.output
    assert "Profile meera-data-analyst-raw-scores" in result.output


def test_the_explanation_shows_the_canonical_country(tmp_path: Path) -> None:
    profile = tmp_path / "physician.json"
    profile.write_text(json.dumps({"id": "physician", "eligible_programs": ["cec"], "work_history": [
        {"noc": "31102", "country": "CA", "start": "2024-06-03", "hours_per_week": 40}]}), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(profile), "--year", "2026", "--as-of", "2026-09-03",
                                       "--explain", "full"])
    assert result.exit_code == 0, result.output
    assert "✓ Physicians with Canadian work experience [physicians]: eligible" in result.output
    assert "work_history[0].country = Canada" in result.output


# Pools -----------------------------------------------------------------------------------------------------------

POOL = [
    {"id": "code", "eligible_programs": ["cec"],
     "work_history": [{"noc": "31102", "country": "CA", "start": "2024-06-03", "hours_per_week": 40}]},
    {"id": "french-name", "eligible_programs": ["cec"],
     "work_history": [{"noc": "31102", "country": "Canada", "start": "2024-06-03", "end": "2024-12-31",
                       "hours_per_week": 40},
                      {"noc": "31102", "country": "états-unis", "start": "2025-01-06", "hours_per_week": 40}]},
    {"id": "unknown", "eligible_programs": ["cec"],
     "work_history": [{"noc": "31102", "country": "Canada", "start": "2024-06-03", "hours_per_week": 40},
                      {"noc": "31102", "country": "Atlantis", "start": "2023-01-02", "end": "2023-12-29"}]},
]
REJECTED = ("$.work_history[1].country: 'Atlantis' is not a country: write its ISO 3166 code (CA or CAN) or its name "
            "in English or French (Canada)")


def _write(path: Path) -> Path:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(p) + "\n" for p in POOL), encoding="utf-8")
    elif path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "eligible_programs", "work_history"])
            for p in POOL:
                writer.writerow([p["id"], json.dumps(p["eligible_programs"]), json.dumps(p["work_history"])])
    else:
        pq.write_table(pa.Table.from_pylist([row_from_profile(p) for p in POOL], schema=arrow_schema()), path)
    return path


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_a_pool_reads_countries_as_profiles_do(suffix: str, tmp_path: Path) -> None:
    connection = pool_connection()
    loaded = load_pool(connection, _write(tmp_path / f"pool{suffix}"))
    assert [(r.line, r.reason) for r in loaded.rejects] == [({".csv": 4}.get(suffix, 3), REJECTED)]
    countries = connection.execute("SELECT id, list_transform(work_history, lambda j: j.country) FROM pool "
                                   "ORDER BY _line").fetchall()
    assert countries == [("code", ["Canada"]), ("french-name", ["Canada", "United States"])]


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_physicians_in_canada_written_as_a_code_are_eligible_in_a_batch(engine: str, tmp_path: Path) -> None:
    pool = _write(tmp_path / "pool.parquet")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["batch", str(pool), "--year", "2026", "--as-of", "2026-09-03",
                                       "--out", str(out), "--engine", engine])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle)}
    assert rows["code"]["physicians"] == "eligible"
    assert rows["french-name"]["physicians"] == "not_eligible"  # 7 months in Canada; the rest in the United States
    assert rows["french-name"]["healthcare"] == "eligible"
    assert "unknown" not in rows


def test_the_shipped_table_of_spellings_is_the_one_pycountry_gives() -> None:
    """The table profiles are read with is derived from pycountry's data again, entry for entry and in order; when
    pycountry changes, `python -m engine.model.country_table` writes it anew."""
    from engine.model.country_table import derive_country_names

    assert list(country_names().items()) == list(derive_country_names().items())
