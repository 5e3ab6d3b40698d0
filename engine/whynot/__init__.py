"""Why not, and what if: for one profile, the categories it does not meet and what would change that, the score and
what would raise it, where it stands against recent rounds."""
