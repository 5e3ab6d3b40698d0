"""The rulebooks shipped with the engine: one folder of `.rules` files per year. Data, not code."""
