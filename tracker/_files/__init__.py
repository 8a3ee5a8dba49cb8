"""Where the app's files are: templates/, reports/, seed_data/ and migrations/ live at the top of the
repository, and an installed wheel holds them here, in tracker/_files/ (see pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

INSTALLED = Path(__file__).resolve().parent
CHECKOUT = INSTALLED.parent.parent
FOLDERS = ("templates", "reports", "seed_data", "migrations")


def folder(name: str) -> Path:
    """One of FOLDERS: in the installed wheel if the app runs from one, else in the checkout."""
    assert name in FOLDERS, name
    installed = INSTALLED / name
    return installed if installed.is_dir() else CHECKOUT / name


def in_checkout() -> bool:
    """Whether the app runs from a checkout of the repository (not from an installed wheel)."""
    return not (INSTALLED / "templates").is_dir()
