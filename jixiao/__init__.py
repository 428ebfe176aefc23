"""jixiao: budget performance-goal reports → canonical JSON, CSV and Parquet."""

from jixiao.pipeline import extract_file
from normalize.records import Report

__version__ = "0.1.0"
__all__ = ["Report", "extract_file", "__version__"]
