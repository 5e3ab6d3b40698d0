"""Commands of the `rules` command line, one module each; `engine.cli` registers them."""
