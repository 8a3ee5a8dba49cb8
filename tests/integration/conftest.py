"""Integration tests' own settings: cheap password hashing, so that the many signed-in test users
each page test makes cost milliseconds (the production parameters stay in tracker/services/users.py)."""

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """Hash test users' passwords with the smallest Argon2id parameters."""
    monkeypatch.setattr("tracker.services.users._hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
