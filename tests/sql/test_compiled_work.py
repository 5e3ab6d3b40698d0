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
