"""Commands of the `rules` CLI, one module each; `engine.cli` registers them."""
