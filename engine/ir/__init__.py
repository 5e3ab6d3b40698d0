"""The rule tree (IR): what a checked rulebook compiles to, and what every backend and view visits.

`from engine import ir` gives the node classes (`engine.ir.nodes`); the traversal and the visitor contract are in
`engine.ir.visitor`.
"""

from engine.ir.nodes import *  # noqa: F403
