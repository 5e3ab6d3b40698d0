"""The built-in functions, each defined once: what the checker knows of it (its signature, from the profile model),
and what it computes on a profile.

Both evaluators call `compute`; the traced one asks it to `record` the facts it read (and a note, the work period
behind a number of hours) for the explanation, the other does not pay for them. The SQL backend states the same
functions in SQL (`engine/sql/`), held to these definitions by the agreement tests (`tests/sql/`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dsl import types as t
from engine import ir
from engine.eval.context import ProfileContext, job_facts, stint_of
from engine.ir.kernel import age_on, full_time_years
from engine.model.facts import FUNCTIONS, MISSING
from engine.model.work import in_window

Facts = tuple[tuple[str, Any], ...]
Result = tuple[Any, Facts, Any]  # the value, the facts read (JSON path, value), a note for the explanation
Compute = Callable[[ProfileContext, list[Any], bool], Result]


@dataclass(frozen=True, slots=True)
class Builtin:
    name: ir.BuiltinName
    signature: t.FunctionSignature
    strict: bool  # missing as soon as one argument is; otherwise `compute` decides what a missing argument means
    compute: Compute

    def apply(self, context: ProfileContext, values: list[Any], record: bool) -> Result:
        """The function on its arguments' values, what both evaluators call: a strict function is missing, having
        read nothing, when an argument is."""
        if self.strict and any(v is MISSING for v in values):
            return MISSING, (), None
        return self.compute(context, values, record)


def _worked_in(context: ProfileContext, values: list[Any], record: bool) -> Result:
    """The listed occupations the work history holds, in code order."""
    table: ir.OccupationList = values[0]
    history = context.facts["work_history"]
    if history is MISSING:
        return MISSING, (("work_history", MISSING),), None
    codes = tuple(sorted({code for job in history if (code := job.fields["noc"]) in table.codes}))
    facts = tuple((f"{job.path}.noc", job.fields["noc"]) for job in history) if record else ()
    return codes, facts, None


def _hours_in(context: ProfileContext, values: list[Any], record: bool) -> Result:
    """Hours in a window over several jobs together (any occupations), at most 30 a week counted."""
    jobs, window = values
    if jobs is MISSING or window is MISSING:
        return MISSING, (), None
    stints = []
    facts: list[tuple[str, Any]] = []
    for job in jobs:
        if record:
            facts += job_facts(job)
        stint = stint_of(job, context.as_of)
        if stint is None:
            return MISSING, tuple(facts), None
        stints.append(stint)
    time = in_window(stints, window)
    return time.counted_hours, tuple(facts), time


def _occupation_time(part: str) -> Compute:
    """`continuous_full_time` and `hours_worked`: one occupation's time in a window, shared by both (memoised per
    profile in the context)."""
    def compute(context: ProfileContext, values: list[Any], record: bool) -> Result:
        time, facts = context.occupation_time(values[0], values[1])
        if time is None:
            return MISSING, facts, None
        return getattr(time, part), facts, time
    return compute


def _plain(function: Callable[..., Any]) -> Compute:
    """A function of its argument values alone."""
    def compute(context: ProfileContext, values: list[Any], record: bool) -> Result:
        return function(*values), (), None
    return compute


def _builtin(name: ir.BuiltinName, strict: bool, compute: Compute) -> Builtin:
    return Builtin(name, FUNCTIONS[name], strict, compute)


BUILTINS: Mapping[str, Builtin] = {b.name: b for b in (
    _builtin("count", True, _plain(len)),
    _builtin("worked_in", False, _worked_in),
    _builtin("continuous_full_time", True, _occupation_time("longest_run")),
    _builtin("hours_worked", True, _occupation_time("counted_hours")),
    _builtin("hours_in", False, _hours_in),
    _builtin("age_on", True, _plain(age_on)),
    _builtin("full_time_years", True, _plain(full_time_years)),
)}
