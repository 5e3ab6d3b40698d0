"""The SQL backend: rule trees compiled to SQL over a pool table, run in DuckDB (or Spark)."""
