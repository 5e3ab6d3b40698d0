"""The JSON Patch (RFC 6902) of a `POST /v1/whatif` body: read, checked operation by operation, and applied with the
`jsonpatch` library, the one the why-not suggestions' patches are applied with.

A patch is applied one operation at a time so that a problem names the operation that has it (`$.patch[2]`) and so
that its work stays bounded: a patch holds at most `MAX_OPERATIONS` operations, and after each one the document may
hold at most `MAX_VALUES` values, because `copy` can double a document with every operation (forty operations would
otherwise ask for a trillion values). What is left is validated as any profile is, by the caller.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import jsonpatch
import jsonpointer

from engine.model.profile import Problem, shown
from engine.serve.problems import ApiProblem
from engine.whynot.edits import Patch

MAX_OPERATIONS = 100
MAX_VALUES = 100_000
OPERATIONS = ("add", "remove", "replace", "move", "copy", "test")
# The members each operation takes besides `op` and `path` (RFC 6902, section 4).
MEMBERS = {"add": ("value",), "remove": (), "replace": ("value",), "move": ("from",), "copy": ("from",),
           "test": ("value",)}
REFUSED = "The patch cannot be applied; each problem is named by its JSON path in the body."


def read_patch(document: Any, profile: Mapping[str, Any]) -> tuple[Patch, dict[str, Any]]:
    """The patch's operations and the profile they leave; a 422 problem naming the first operation that is not one,
    cannot be applied, or makes the document too large (the operations after it depend on it, so it is the only
    one named)."""
    if not isinstance(document, list):
        raise ApiProblem(422, REFUSED, [Problem("$.patch", f"expected a list of JSON Patch operations, found "
                                                           f"{shown(document)}")])
    if len(document) > MAX_OPERATIONS:
        raise ApiProblem(422, REFUSED, [Problem("$.patch", f"{len(document):,} operations; a patch may hold at most "
                                                           f"{MAX_OPERATIONS}")])
    patched: Any = copy.deepcopy(dict(profile))
    for index, operation in enumerate(document):
        path = f"$.patch[{index}]"
        _check_operation(operation, path)
        try:
            patched = jsonpatch.JsonPatch([operation]).apply(patched, in_place=True)
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, TypeError, ValueError, KeyError,
                IndexError) as error:  # the library's own, and what it lets through on documents of odd shapes
            raise ApiProblem(422, REFUSED, [Problem(path, f"cannot be applied: {_clipped(str(error))}")]) from None
        if _values(patched, MAX_VALUES) > MAX_VALUES:
            raise ApiProblem(422, REFUSED, [Problem(path, f"leaves a document of more than {MAX_VALUES:,} values")])
    if not isinstance(patched, dict):
        raise ApiProblem(422, REFUSED, [Problem("$.patch", f"leaves {shown(patched)}, not a profile")])
    return tuple(dict(op) for op in document), patched


def _check_operation(operation: Any, path: str) -> None:
    """An operation is a mapping with a known `op`, a `path` that is a JSON Pointer, and the members its `op` needs."""
    if not isinstance(operation, dict):
        example = '{"op": "replace", "path": "/crs", "value": 480}'
        raise ApiProblem(422, REFUSED, [Problem(path, f"expected an operation such as {example}, found "
                                                      f"{shown(operation)}")])
    op = operation.get("op")
    if op not in OPERATIONS:
        raise ApiProblem(422, REFUSED, [Problem(f"{path}.op", f"{shown(op)} is not one of: {', '.join(OPERATIONS)}")])
    problems = []
    for member in ("path", *MEMBERS[op]):
        if member not in operation:
            problems.append(Problem(f"{path}.{member}", f"'{member}' is required by {op!r}"))
        elif member in ("path", "from") and not _is_pointer(operation[member]):
            problems.append(Problem(f"{path}.{member}", f"{shown(operation[member])} is not a JSON Pointer "
                                                        f"(such as /language_tests/0/levels/writing)"))
    if problems:
        raise ApiProblem(422, REFUSED, problems)


def _is_pointer(value: Any) -> bool:
    return isinstance(value, str) and (value == "" or value.startswith("/"))


def _values(document: Any, limit: int) -> int:
    """How many values `document` holds (its mappings, lists and scalars), counted up to just past `limit`."""
    count, stack = 0, [document]
    while stack and count <= limit:
        value = stack.pop()
        count += 1
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count


def _clipped(text: str) -> str:
    return text if len(text) <= 200 else text[:200] + "…"

