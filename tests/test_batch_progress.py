"""Progress: log lines when stderr is not a terminal, nothing when quiet; the summary's counts."""

import io
import time

from jixiao import progress


def test_without_a_terminal_progress_is_plain_log_lines(monkeypatch):
    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)
    stream = io.StringIO()
    reporter = progress.Progress(stream)
    reporter.start(4)
    for status in ("ok", "failed", "skipped"):
        reporter.update({"status": status})
    reporter.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[-1].startswith("jixiao: 3/4 files, 1 failed, ") and "files/s, ETA " in lines[-1]


def test_quiet_progress_writes_nothing(monkeypatch):
    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)
    stream = io.StringIO()
    reporter = progress.Progress(stream, quiet=True)
    reporter.start(1)
    reporter.update({"status": "ok"})
    assert stream.getvalue() == ""


def test_the_summary_counts_by_status_and_by_format():
    rows = [{"path": f"{i}", "format": fmt, "status": status} for i, (fmt, status) in enumerate(
        [("txt", "ok"), ("txt", "warnings"), ("pdf", "failed"), ("txt", "skipped")]
    )]  # fmt: skip
    text = progress.summary(rows, 2.04)
    assert text == "4 files in 2.0 s: 1 ok, 1 warnings, 1 skipped, 1 failed; txt 3, pdf 1"
    assert progress.summary([], 0) == "0 files in 0.0 s: nothing to do; no formats"


def test_without_a_terminal_a_heartbeat_line_comes_while_no_file_finishes(monkeypatch):
    monkeypatch.setattr(progress, "LOG_EVERY", 0.1)
    stream = io.StringIO()
    reporter = progress.Progress(stream)
    reporter.start(3)
    deadline = time.monotonic() + 30
    while len(stream.getvalue().splitlines()) < 3:  # a slow file: nothing finishes, the heartbeat goes on
        assert time.monotonic() < deadline, "no heartbeat"
        time.sleep(0.02)
    reporter.close()
    lines = stream.getvalue().splitlines()
    assert set(lines) == {"jixiao: 0/3 files, 0 failed, 0.0 files/s"}
    time.sleep(0.3)
    assert len(stream.getvalue().splitlines()) == len(lines)  # closed: it stops


def test_verbose_progress_writes_a_line_per_file():
    stream = io.StringIO()
    reporter = progress.Progress(stream, verbose=True)
    reporter.start(2)
    reporter.update({"status": "ok", "path": "a.txt", "error": None})
    reporter.update({"status": "failed", "path": "b.pdf", "error": "b.pdf: no text layer"})
    reporter.close()
    assert stream.getvalue().splitlines() == ["ok       a.txt", "failed   b.pdf  b.pdf: no text layer"]


def test_the_summary_names_the_inputs_an_earlier_run_converted():
    rows = [{"path": "a", "format": "txt", "status": "ok", "resumed": True},
            {"path": "b", "format": "txt", "status": "warnings", "resumed": False}]  # fmt: skip
    text = progress.summary(rows, 1.0)
    assert text == "2 files in 1.0 s: 1 ok, 1 warnings (1 converted by an earlier run); txt 2"
