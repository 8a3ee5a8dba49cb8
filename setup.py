"""What the wheel holds besides pyproject.toml's metadata: every package under tracker/ with its
static files (the built stylesheet too, when built), and the folders kept at the top of the
repository (templates/, reports/, seed_data/, migrations/) placed in tracker/_files/, where
tracker._files.folder() finds them when the app is installed."""

from setuptools import find_packages, setup

FOLDERS = ("templates", "reports", "seed_data", "migrations")  # as tracker/_files/__init__.py

setup(
    packages=find_packages(include=["tracker", "tracker.*"]) + [f"tracker._files.{name}" for name in FOLDERS],
    package_dir={f"tracker._files.{name}": name for name in FOLDERS},
    # Every package's own files (the API's OpenAPI document), tracker/static/, the message catalogues
    # (the .mo files make compiles from the .po), and the mapped folders.
    package_data={"": ["*"], "tracker": ["static/*", "static/**/*", "translations/*", "translations/**/*"],
                  **{f"tracker._files.{name}": ["*", "**/*"] for name in FOLDERS}},
    exclude_package_data={"": ["__pycache__/*", "**/__pycache__/*", "*.pyc", "README", "README.md"]},
)
