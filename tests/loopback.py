"""A listening socket on loopback that records every connection, to prove a renderer made no request."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

# This branch's server port range (5400-5449); the listener takes the first free one.
PORTS = range(5440, 5450)


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self, sock: socket.socket):
        """Wrap a bound, listening socket."""
        self.sock = sock
        self.port = sock.getsockname()[1]
        self.connections: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        """Accept and record connections until stopped."""
        self.sock.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, address = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(address)
            conn.close()

    @property
    def url(self) -> str:
        """The http URL of the listener."""
        return f"http://127.0.0.1:{self.port}/"


@contextmanager
def loopback_listener():
    """Yield a Listener on a free port of the range; stop it afterwards."""
    for port in PORTS:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.close()
            continue
        sock.listen(8)
        listener = Listener(sock)
        listener._thread.start()
        try:
            yield listener
        finally:
            listener._stop.set()
            listener._thread.join()
            sock.close()
        return
    raise RuntimeError("no free port in 5440-5449 for the loopback listener")
