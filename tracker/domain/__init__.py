"""The rules of the domain in plain Python: deadlines, statuses, completeness, the importer, errors.

Nothing here imports Flask, SQLAlchemy or any other layer of the app (an import-linter contract
in `make test` holds it), so every rule can be read and tested on its own.
"""
