"""Long commands show their stage and count on a terminal, and nothing but their result when their
output is not a terminal (CliRunner's is not: a pipe, cron and systemd timers are the same)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scratch_db import cheap_password_hashing, dispose, make_install, scratch_database
from tracker.cli import progress as progress_module

PAGES = 12


@pytest.fixture(params=[False, True], ids=["not a terminal", "a terminal"])
def terminal(request, monkeypatch):
    """Run the commands as if standard output were (or were not) a terminal."""
    monkeypatch.setattr(progress_module, "on_terminal", lambda: request.param)
    return request.param


def _long_pdf(path: Path) -> Path:
    from weasyprint import HTML  # noqa: PLC0415  (a heavy library)

    pages = "".join(f"<p style='page-break-after: always'>{n}. By March 2022, chief constables should do thing {n}.</p>"
                    for n in range(1, PAGES + 1))
    HTML(string=f"<html lang='en'><body><p>Recommendations</p>{pages}</body></html>").write_pdf(path)
    return path


def _check(result, terminal: bool, stages: list[str]) -> None:
    """On a terminal each stage is drawn on standard error; otherwise no progress at all."""
    assert result.exit_code == 0, result.output
    if terminal:
        for stage in stages:
            assert f"\r{stage}" in result.stderr, (stage, result.stderr)
        assert result.stderr.endswith("\n")
    else:
        assert "…" not in result.output and "\r" not in result.output and "\x1b" not in result.output
        assert not any(stage in result.stderr for stage in stages)


def test_import_report_of_a_long_pdf(runner, tmp_path, terminal):
    result = runner.invoke(args=["import-report", str(_long_pdf(tmp_path / "report.pdf")), "--dry-run",
                                 "--format", "json"])

    _check(result, terminal, [f"Reading the PDF's pages… {PAGES}/{PAGES}"])
    assert result.stdout.lstrip().startswith("{")  # stdout stays the JSON alone


def test_backup_and_restore(tmp_path, terminal):
    with scratch_database(tmp_path) as url, scratch_database(tmp_path) as empty_url:
        source = make_install(url, tmp_path / "source")
        evidence = Path(source.config["TRACKER_EVIDENCE_DIR"])
        evidence.mkdir(parents=True, exist_ok=True)
        for n in range(3):
            (evidence / f"file-{n}.txt").write_text(f"evidence {n}")
        backup = source.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
        _check(backup, terminal, ["Copying the database…", "Copying the files… 3/3"])
        dispose(source)

        target = make_install(empty_url, tmp_path / "target", migrate=False)
        restore = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
        _check(restore, terminal, ["Checking the backup's files… 4/4", "Restoring the database…",
                                   "Restoring the files… 3/3", "Checking the restored database…"])
        dispose(target)


def test_generate_demo(tmp_path, terminal):
    with scratch_database(tmp_path) as url, cheap_password_hashing():
        app = make_install(url, tmp_path / "instance", demo=False)
        result = app.test_cli_runner().invoke(args=["generate-demo", "--scale", "tiny"])
        _check(result, terminal, ["Generating inspections… 12/12", "Committing…"])
        assert "Generated the tiny data set" in result.stdout
        dispose(app)


def test_send_reminders(runner, terminal):
    result = runner.invoke(args=["send-reminders", "--today", "2022-03-01"])

    # The demonstration's owners are not users: nothing to send, but the stages are still shown.
    _check(result, terminal, ["Finding the reminders owed…", "Writing the digests…"])
    assert result.stdout.startswith("Sent 0")
