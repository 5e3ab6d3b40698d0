"""Every scoring table of the rules equals the project's copy of the reference facts, cell by cell.

Reference: `reference/clb_conversion.yaml`, `crs_2023.yaml`, `crs_2025.yaml`, `fsw_grid.yaml`, `programs.yaml`.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from engine import ir
from engine.model.quantities import LanguageLevel, Points, Score
from tests.conftest import REFERENCE

ABILITIES = ("listening", "reading", "writing", "speaking")


def load(name: str) -> dict[str, Any]:
    with open(REFERENCE / name, encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


def plain(value: Any) -> Any:
    if isinstance(value, (Points, LanguageLevel)):
        return value.amount if isinstance(value, Points) else value.value
    if isinstance(value, Score):
        return value.amount
    return value


def bounds(cell: ir.KeyCell) -> tuple[Any, Any]:
    """A key cell as (lowest, highest) included values; `None` for an open end."""
    low, high = plain(cell.low), plain(cell.high)
    if cell.kind == "exact":
        return low, low
    if cell.kind == "below":
        return None, ("below", high)
    return low, high


def rows(rulebook: ir.Rulebook, table: str) -> list[tuple[tuple[tuple[Any, Any], ...], dict[str, Any]]]:
    return [(tuple(bounds(c) for c in row.keys), {k: plain(v) for k, v in row.values.items()})
            for row in rulebook.tables[table].rows]


@pytest.fixture(params=["2023", "2025"])
def rulebook(request: pytest.FixtureRequest) -> ir.Rulebook:
    book: ir.Rulebook = request.getfixturevalue(f"rulebook_{request.param}")
    return book


class TestLanguageConversion:
    SCALES = {
        "celpip_general": ("CELPIP-General", None),
        "ielts_general": ("IELTS-General-Training", None),
        "pte_core": ("PTE-Core", None),
        "tef_canada_from_2023_12_11": ("TEF-Canada", "after_2023_12_10"),
        "tef_canada_2019_10_01_to_2023_12_10": ("TEF-Canada", "uniform_699_2019_to_2023_12_10"),
        "tef_canada_before_2019_10_01": ("TEF-Canada", "legacy_raw_points"),
        "tcf_canada": ("TCF-Canada", None),
    }

    def charted(self, scale: str) -> dict[int, dict[str, Any]]:
        test, variant = self.SCALES[scale]
        entry = load("clb_conversion.yaml")["tests"][test]
        if variant is not None:
            entry = entry["scales"][variant]
        by_level: dict[int, dict[str, Any]] = entry.get("by_clb") or entry["by_nclc"]
        return by_level

    @pytest.mark.parametrize("scale", list(SCALES))
    def test_each_level_has_the_charted_score_range(self, rulebook: ir.Rulebook, scale: str) -> None:
        table = rows(rulebook, "language_levels")
        for level, cells in self.charted(scale).items():
            for ability in ABILITIES:
                cell = cells.get(ability) or cells["all_abilities"]
                key = ((scale, scale), (ability, ability), (cell["min"], cell["max"]))
                assert [values["level"] for keys, values in table if keys == key] == [level], (scale, ability, level)

    @pytest.mark.parametrize("scale", list(SCALES))
    def test_below_the_level_4_minimum_is_level_3_and_nothing_else_is_added(self, rulebook: ir.Rulebook,
                                                                           scale: str) -> None:
        table = [(keys, values) for keys, values in rows(rulebook, "language_levels") if keys[0][0] == scale]
        charted = self.charted(scale)
        assert len(table) == 4 * (len(charted) + 1)
        for ability in ABILITIES:
            cell = charted[4].get(ability) or charted[4]["all_abilities"]
            below = [v["level"] for k, v in table if k[1][0] == ability and k[2] == (None, ("below", cell["min"]))]
            assert below == [3]

    def test_french_levels_are_nclc_and_english_levels_clb(self, rulebook: ir.Rulebook) -> None:
        for row in rulebook.tables["language_levels"].rows:
            scale = row.keys[0].low
            assert row.values["level"].scale == ("nclc" if scale.startswith(("tef", "tcf")) else "clb")


class TestCrs:
    @pytest.fixture(params=["crs_2023.yaml", "crs_2025.yaml"])
    def crs(self, request: pytest.FixtureRequest) -> dict[str, Any]:
        return load(request.param)

    def test_age(self, rulebook: ir.Rulebook, crs: dict[str, Any]) -> None:
        expected = [((r["min"] if r["min"] else None, r["max"]), {"with_spouse": r["with_spouse"],
                                                                  "without_spouse": r["without_spouse"]})
                    for r in crs["core"]["age"]]
        assert [(k[0], v) for k, v in rows(rulebook, "crs_age")] == expected

    def test_education(self, rulebook: ir.Rulebook, crs: dict[str, Any]) -> None:
        expected = {k: {"with_spouse": v["with_spouse"], "without_spouse": v["without_spouse"]}
                    for k, v in crs["core"]["education"].items()}
        assert {k[0][0]: v for k, v in rows(rulebook, "crs_education")} == expected

    @pytest.mark.parametrize(("table", "section"), [("crs_first_language", "first_official_language"),
                                                    ("crs_second_language", "second_official_language")])
    def test_official_languages_per_ability(self, rulebook: ir.Rulebook, crs: dict[str, Any], table: str,
                                            section: str) -> None:
        actual = rows(rulebook, table)
        assert len(actual) == len(crs["core"][section])
        for (key,), values in actual:
            level = key[0] if key[0] is not None else key[1][1] - 1
            (row,) = [r for r in crs["core"][section]
                      if r["min_clb"] <= level and (r["max_clb"] is None or level <= r["max_clb"])]
            assert values == {"with_spouse": row["with_spouse"], "without_spouse": row["without_spouse"]}
            expected_key = (row["min_clb"], row["max_clb"]) if row["min_clb"] else (None, ("below", row["max_clb"] + 1))
            assert key == expected_key

    def test_canadian_work(self, rulebook: ir.Rulebook, crs: dict[str, Any]) -> None:
        expected = [r["min_years"] for r in crs["core"]["canadian_work_experience"]]
        actual = rows(rulebook, "crs_canadian_work")
        assert [k[0][0] for k, _ in actual] == expected
        assert actual[-1][0][0] == (5, None)  # 5 or more
        assert [v for _, v in actual] == [{"with_spouse": r["with_spouse"], "without_spouse": r["without_spouse"]}
                                          for r in crs["core"]["canadian_work_experience"]]

    def test_spouse_factors(self, rulebook: ir.Rulebook, crs: dict[str, Any]) -> None:
        spouse = crs["spouse"]
        assert {k[0][0]: v["points"] for k, v in rows(rulebook, "crs_spouse_education")} == spouse["education"]
        assert [v["points"] for _, v in rows(rulebook, "crs_spouse_language")] == \
            [r["points"] for r in spouse["language_per_ability"]]
        assert [k[0][0] for k, _ in rows(rulebook, "crs_spouse_language")] == \
            [r["min_clb"] or None for r in spouse["language_per_ability"]]
        assert [(k[0][0], v["points"]) for k, v in rows(rulebook, "crs_spouse_canadian_work")] == \
            [(r["min_years"], r["points"]) for r in spouse["canadian_work_experience"]]

    def test_skill_transferability(self, rulebook: ir.Rulebook, crs: dict[str, Any]) -> None:
        st = crs["skill_transferability"]
        assert {k[0][0]: v["group"] for k, v in rows(rulebook, "transferability_education_groups")} == \
            st["education_levels_map"]
        assert {k[0][0]: v for k, v in rows(rulebook, "transferability_education_language")} == \
            st["education_x_language"]
        assert {k[0][0]: v for k, v in rows(rulebook, "transferability_education_canadian_work")} == \
            st["education_x_canadian_work"]
        years = {(0, 0): "none", (1, 2): "1-2_years", (3, None): "3+_years"}
        assert {years[k[0]]: v for k, v in rows(rulebook, "transferability_foreign_language")} == \
            st["foreign_work_x_language"]
        assert {years[k[0]]: v for k, v in rows(rulebook, "transferability_foreign_canadian_work")} == \
            st["foreign_work_x_canadian_work"]
        certificate = {k[0]: v["points"] for k, v in rows(rulebook, "transferability_certificate")}
        assert certificate == {(7, None): st["certificate_of_qualification_x_language"]["band_7p"],
                               (5, 6): st["certificate_of_qualification_x_language"]["band_5_6"],
                               (None, ("below", 5)): 0}

    def test_additional_points_and_caps(self, rulebook: ir.Rulebook) -> None:
        items = load("crs_2025.yaml")["additional"]["items"]
        assert {k[0][0]: v["points"] for k, v in rows(rulebook, "crs_additional")} == \
            {name: item["points"] for name, item in items.items()}
        assert load("crs_2025.yaml")["additional"]["cap"] == 600

    def test_arranged_employment_exists_only_in_the_2023_tables(self, rulebook: ir.Rulebook) -> None:
        old = load("crs_2023.yaml")["additional"]["items"]
        new = load("crs_2025.yaml")["additional"]["items"]
        removed = {name: item["points"] for name, item in old.items() if name not in new}
        assert {k[0][0]: v["points"] for k, v in rows(rulebook, "crs_arranged_employment")} == removed

    def test_canadian_study_points_are_the_two_reference_items(self, rulebook: ir.Rulebook) -> None:
        items = load("crs_2025.yaml")["additional"]["items"]
        study = {k[0][0]: v["points"] for k, v in rows(rulebook, "crs_canadian_study")}
        short = items["canadian_post_secondary_1_or_2_years"]["points"]
        long = items["canadian_post_secondary_3_years_plus"]["points"]
        assert study == {"less_than_secondary": 0, "secondary": 0, "one_year_post_secondary": short,
                         "two_year_post_secondary": short, "bachelors_or_3yr": long, "two_or_more_one_3yr": long,
                         "masters_or_professional": long, "doctoral": long}

    def test_score_versions_and_their_periods(self, rulebook: ir.Rulebook) -> None:
        old, new = load("crs_2023.yaml"), load("crs_2025.yaml")
        periods = {s.id: (s.in_force_from, s.in_force_until) for s in rulebook.scores}
        assert periods == {"crs_2022_11_16": (old["effective_from"], old["effective_to"]),
                           "crs_2025_03_25": (new["effective_from"], new["effective_to"])}


class TestFswGrid:
    def grid(self) -> dict[str, Any]:
        factors: dict[str, Any] = load("fsw_grid.yaml")["factors"]
        return factors

    def test_first_language(self, rulebook: ir.Rulebook) -> None:
        table = {k[0]: v["points"] for k, v in rows(rulebook, "fsw_first_language")}
        per_ability = self.grid()["language"]["first_official_language"]["per_ability"]
        assert table == {(9, None): per_ability[0]["points"], (8, 8): per_ability[1]["points"],
                         (7, 7): per_ability[2]["points"], (None, ("below", 7)): 0}

    def test_education(self, rulebook: ir.Rulebook) -> None:
        levels = dict(self.grid()["education"]["levels"])
        assert levels.pop("professional_degree_licensed") == levels["masters"]
        levels["masters_or_professional"] = levels.pop("masters")
        levels["doctoral"] = levels.pop("doctoral")
        assert {k[0][0]: v["points"] for k, v in rows(rulebook, "fsw_education")} == levels

    def test_experience(self, rulebook: ir.Rulebook) -> None:
        table = [(k[0][0], v["points"]) for k, v in rows(rulebook, "fsw_experience")]
        assert table == [(0, 0)] + [(r["min_years"], r["points"]) for r in self.grid()["experience"]["rows"]]

    def test_age(self, rulebook: ir.Rulebook) -> None:
        table = rows(rulebook, "fsw_age")
        reference = self.grid()["age"]["rows"]
        assert [v["points"] for _, v in table] == [r["points"] for r in reference]
        assert table[1][0][0] == (18, 35) and table[-1][0][0] == (47, None)

    def test_other_factors_and_adaptability(self, rulebook: ir.Rulebook) -> None:
        grid = self.grid()
        assert {k[0][0]: v["points"] for k, v in rows(rulebook, "fsw_other_factors")} == {
            "second_official_language": grid["language"]["second_official_language"]["max"],
            "arranged_employment": grid["arranged_employment"]["points"]}
        assert {k[0][0]: v["points"] for k, v in rows(rulebook, "fsw_adaptability")} == \
            {name: item["points"] for name, item in grid["adaptability"]["items"].items()}

    def test_pass_mark(self, rulebook: ir.Rulebook) -> None:
        assert rulebook.constants["fsw_pass_mark"].value == Points(load("fsw_grid.yaml")["pass_mark"])


class TestPrograms:
    def test_fst_noc_groups(self, rulebook: ir.Rulebook) -> None:
        groups = load("programs.yaml")["programs"]["FST"]["work_experience"]["eligible_noc_2021_groups"]
        majors = [g.split()[0] for g in groups["major_groups"]]
        assert list(rulebook.constants["trade_major_groups"].value) == majors
        assert list(rulebook.constants["excluded_sub_major_groups"].value) == ["726", "932"]
        assert list(rulebook.constants["trade_minor_groups"].value) == groups["minor_groups"]
        assert list(rulebook.constants["trade_unit_groups"].value) == groups["unit_groups"]

    def test_language_results_count_for_two_years(self, rulebook: ir.Rulebook) -> None:
        years = load("programs.yaml")["common"]["language_test_validity_years"]
        assert str(rulebook.constants["language_result_validity"].value) == f"{years} years"
