"""jixiao: budget performance-goal reports → canonical JSON, CSV and Parquet.

The API is imported on first use, so `import jixiao` (and `jixiao --version`)
stays light.
"""

__version__ = "0.1.0"
__all__ = ["Report", "extract_file", "__version__"]


def __getattr__(name: str):
    if name == "extract_file":
        from jixiao.pipeline import extract_file

        return extract_file
    if name == "Report":
        from jixiao.normalize.records import Report

        return Report
    raise AttributeError(f"module 'jixiao' has no attribute {name!r}")
