"""The wheel holds everything the app needs: every package under tracker/, the static files (the built
stylesheet when built), and templates/, reports/, seed_data/ and migrations/ under tracker/_files/."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tracker._files import CHECKOUT, FOLDERS, folder

SOURCES = ("pyproject.toml", "setup.py", "README.md", "tracker", *FOLDERS)
LEFT_OUT = ("__pycache__", ".pyc")


def _files(root: Path, under: str) -> set[str]:
    """The files under a folder of the checkout, relative to the checkout, without compiled Python."""
    return {p.relative_to(root).as_posix() for p in (root / under).rglob("*")
            if p.is_file() and not any(part in str(p) for part in LEFT_OUT)}


def test_the_app_finds_its_folders_in_the_checkout():
    for name in FOLDERS:
        assert folder(name) == CHECKOUT / name and folder(name).is_dir()


def test_a_wheel_holds_every_package_and_file_the_app_needs(tmp_path):
    # Built from a copy, so that the build leaves nothing in the checkout; no network (no isolation).
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (CHECKOUT / name).is_dir():
            shutil.copytree(CHECKOUT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(CHECKOUT / name, source / name)
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
                             "--no-index", "--quiet", "--wheel-dir", str(tmp_path / "dist")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    [wheel] = (tmp_path / "dist").glob("tracker-*.whl")
    held = {name for name in zipfile.ZipFile(wheel).namelist() if ".dist-info/" not in name}

    expected = _files(CHECKOUT, "tracker")
    for name in FOLDERS:
        expected |= {f"tracker/_files/{path}" for path in _files(CHECKOUT, name) if not Path(path).name.startswith("README")}
    assert held == expected
    # What the app cannot run without, named: a missing one says more than a difference of sets.
    for needed in ("tracker/services/overdue.py", "tracker/web/views/oversight.py", "tracker/static/init.js",
                   "tracker/_files/templates/base.html", "tracker/_files/reports/response.html",
                   "tracker/_files/seed_data/forces.yaml", "tracker/_files/migrations/env.py",
                   "tracker/translations/cy/LC_MESSAGES/messages.mo"):  # compiled by make install
        assert needed in held
