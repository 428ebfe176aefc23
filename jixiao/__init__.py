"""jixiao: budget performance-goal reports → canonical JSON, CSV and Parquet."""
