"""A dataclass's `repr`, written once for the classes of the syntax tree and the rule tree.

Python 3.11 writes each dataclass's generated methods as source text and compiles it when the class is created, and
the two trees have about ninety classes: their `__repr__`s alone were 4% of the instructions of a `rules eval` and of
a compile. Those classes are declared with `repr=False` and inherit this one, which reads the same fields at call time
and shows them as the generated one would.
"""

from __future__ import annotations

import dataclasses
import reprlib


class FieldsRepr:
    """`ClassName(field=value, ...)`, the fields a dataclass would show (those not declared `repr=False`)."""

    __slots__ = ()

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self)  # type: ignore[arg-type]
                          if f.repr)
        return f"{type(self).__qualname__}({shown})"
