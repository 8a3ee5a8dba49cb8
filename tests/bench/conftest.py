"""Speed measurements run only by `make bench` (TRACKER_BENCH=1), never by `make test`."""

import os

collect_ignore_glob = [] if os.environ.get("TRACKER_BENCH") == "1" else ["test_*.py"]
