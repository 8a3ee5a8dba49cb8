"""scripts/with-postgres.sh, which `make test` runs the second pass through: it starts a throwaway
PostgreSQL server, hands its address to the command, and always removes it afterwards."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path

from tracker import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "with-postgres.sh"


def _run(command: list[str], **env) -> subprocess.CompletedProcess:
    """Run the script with a command, in a clean copy of the environment plus `env`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_SKIP", "TRACKER_PG_PORT"))}
    return subprocess.run(["bash", str(SCRIPT), *command], env={**environment, **env}, capture_output=True, text=True)


def test_skipping_the_postgresql_pass_is_explicit_and_loud():
    result = _run(["false"], TRACKER_SKIP_POSTGRES="1")
    assert result.returncode == 0
    assert "TRACKER_SKIP_POSTGRES=1: the PostgreSQL pass is SKIPPED" in result.stderr
    assert "Nothing was tested on PostgreSQL" in result.stderr


def test_the_server_serves_the_command_and_is_gone_afterwards():
    probe = (
        'python3 -c "import os; print(os.environ[\'TRACKER_TEST_DATABASE_URL\'])" && '
        '"$TRACKER_PG_BIN/psql" -At -d tracker_test -c "SHOW listen_addresses" && exit 7'
    )
    result = _run(["sh", "-c", probe])
    assert result.returncode == 7, result.stderr  # the command's own exit status
    url, listening = result.stdout.split()[-2:]
    assert re.fullmatch(r"postgresql\+psycopg://tracker:[0-9a-f]{48}@127\.0\.0\.1:\d+/tracker_test", url)
    assert listening == "127.0.0.1"
    data = Path(re.search(r"data in (\S+)\)", result.stdout).group(1))
    assert not data.parent.exists()  # the temporary folder is removed
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # and the server stopped
