"""Pools: many profiles at once, in Parquet, JSON Lines or CSV; synthetic pools; batch evaluation; rounds."""
