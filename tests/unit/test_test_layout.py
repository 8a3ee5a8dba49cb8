"""The test folders are packages, so tests/conftest.py is imported once, as tests.conftest.

Without that, pytest imported it as `conftest` and the tests again as `tests.conftest`: two copies
of its helpers, whose counters then handed out the same email address twice.
"""

import sys


def test_the_shared_conftest_is_one_module():
    copies = [name for name, module in list(sys.modules.items())
              if (getattr(module, "__file__", None) or "").endswith("tests/conftest.py")]
    assert copies == ["tests.conftest"]
