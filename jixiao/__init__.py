"""jixiao: budget performance-goal reports → canonical JSON, CSV and Parquet.

    import jixiao
    report = jixiao.extract_file("report.doc")       # or bytes, or a binary file object (name="x.pdf")
    report.to_dict(); report.to_frames()
    tables = jixiao.extract_many(["archive/"])        # {table name: DataFrame}
    try: ...
    except jixiao.JixiaoError: ...                   # ReadError, NotAReport, BatchError

The API is imported on first use, so `import jixiao` (and `jixiao --version`)
stays light.
"""

__version__ = "0.1.0"
__all__ = [
    "BatchError", "JixiaoError", "NotAReport", "ReadError", "Report", "__version__", "extract_file", "extract_many",
]  # fmt: skip

_ERRORS = {"JixiaoError", "ReadError", "NotAReport", "BatchError", "NoInputs"}


def __getattr__(name: str):
    if name in ("extract_file", "extract_many"):
        from jixiao import pipeline

        return getattr(pipeline, name)
    if name == "Report":
        from jixiao.normalize.records import Report

        return Report
    if name in _ERRORS:
        from jixiao import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'jixiao' has no attribute {name!r}")
