"""How much work the compiled shipped rules ask of the database (what makes a pool fast, checked without timing).

Every rule that reads a language result's level reads the same value: the level is converted from the raw score once
per result (a field of the list of results), so the conversion chart appears once per ability and list (the
candidate's results, the spouse's), not once per rule. Program eligibility (FSW, CEC, FST) is needed only for
profiles that do not give their programs: the work-history sweeps it reads are computed for those profiles only.
"""

from __future__ import annotations

from datetime import date

from engine import ir
from engine.sql.compile import compile_rulebook

AS_OF = date(2025, 6, 1)
ABILITIES = 4
LISTS_OF_RESULTS = 2


def test_each_result_level_is_converted_once_per_ability_and_list(rulebook_2025: ir.Rulebook) -> None:
    compiled = compile_rulebook(rulebook_2025, AS_OF)
    charts = compiled.query.count("= 'celpip_general' THEN")
    assert charts == ABILITIES * LISTS_OF_RESULTS


def test_program_sweeps_run_only_for_profiles_that_do_not_give_their_programs(rulebook_2025: ir.Rulebook) -> None:
    compiled = compile_rulebook(rulebook_2025, AS_OF)
    sweeps = [view for view in compiled.views if "unnest(" in view]
    restricted = [view for view in sweeps if '(len(p."eligible_programs") >= 1)) IS NULL' in view
                  or "p.crs IS NULL" in view]
    # The category experience (3 years, every profile) is the one sweep over the whole pool; the CRS's (10 years)
    # run for the profiles that do not give their CRS.
    assert len(sweeps) - len(restricted) == 1


def test_the_longest_full_time_run_is_computed_only_for_a_window_whose_run_a_rule_reads(
        rulebook_2025: ir.Rulebook) -> None:
    """The category experience and FSW's experience read a continuous full-time run in one occupation (within 3 and
    10 years): their sweeps find the runs. The third window's rules read hours only, and its sweep stops at the
    hours."""
    compiled = compile_rulebook(rulebook_2025, AS_OF)
    occupation_sweeps = [view for view in compiled.views if "TABLE occ_code_" in view]
    with_runs = [view for view in occupation_sweeps if "islands AS" in view and "t.longest AS longest" in view]
    assert (len(occupation_sweeps), len(with_runs)) == (3, 2)


def test_no_date_is_moved_in_the_verdict_query(rulebook_2025: ir.Rulebook) -> None:
    """A result counts for 2 years from its test date: `result.date + 2 years >= as_of` is compiled as a comparison
    of the test date with the first day that counts, known when compiling."""
    compiled = compile_rulebook(rulebook_2025, AS_OF)
    assert "to_months(" not in compiled.query
    assert "\"date\" >= DATE '2023-06-01'" in compiled.query
