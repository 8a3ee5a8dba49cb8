"""Progress on a terminal: the stage being done and its count, on one line of standard error
rewritten as the work goes. When standard output is not a terminal (a pipe, cron, a systemd timer,
CliRunner) nothing is shown, so the output stays what scripts read."""

from __future__ import annotations

import sys

import click


def on_terminal() -> bool:
    """Whether a person watches standard output."""
    return sys.stdout.isatty()


class TerminalProgress:
    """A tracker.domain.progress.Progress that draws `stage: done/total` on a terminal.

    Use it as a context manager: the line is ended when the work ends, however it ends.
    """

    def __init__(self) -> None:
        self.shown = on_terminal()
        self.stage: str | None = None

    def __call__(self, stage: str, done: int = 0, total: int | None = None) -> None:
        if not self.shown:
            return
        if self.stage is not None and stage != self.stage:
            click.echo(err=True)  # the finished stage keeps its line
        self.stage = stage
        count = f" {done:,}/{total:,}" if total else (f" {done:,}" if done else "")
        click.echo(f"\r{stage}…{count}\x1b[K", nl=False, err=True)

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc) -> None:
        if self.shown and self.stage is not None:
            click.echo(err=True)
            self.stage = None
