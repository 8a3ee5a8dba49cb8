"""Running untrusted work (reading an uploaded file) in a child process with memory and time limits.

A hostile file may make a reader hold gigabytes or run for minutes. Read in the web worker, that
takes the worker down with every request it serves; read in a child, the child is refused more
memory (RLIMIT_AS) or stopped at its time limit, and the request answers with which limit it met.
The child is forked, so it starts in milliseconds with the code already loaded; it touches no
database, and sends back only the function's result, or the message of the error it raised.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal

from tracker.services import DomainError

MEMORY_BYTES = 512 * 1024 * 1024  # the memory the child may take beyond what it starts with
SECONDS = 30


class LimitExceeded(DomainError):
    """The work met a limit of its child process: `limit` says which ("memory" or "time")."""

    def __init__(self, message: str, limit: str):
        super().__init__(message)
        self.limit = limit


def _address_space() -> int:
    """This process's virtual memory now, in bytes (what RLIMIT_AS counts)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _child(connection, memory_bytes: int, seconds: int, function, args, expected) -> None:
    """In the child: set the limits, run the function, send what came of it."""
    try:
        limit = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds + 1, seconds + 2))
        connection.send(("ok", function(*args)))
    except MemoryError:
        connection.send(("memory", None))
    except expected as error:
        connection.send(("refused", error))
    except BaseException as error:  # noqa: BLE001  (anything else goes back to be raised in the parent)
        connection.send(("failed", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()


def run_limited(function, *args, memory_bytes: int = MEMORY_BYTES, seconds: int = SECONDS,
                expected: tuple[type[BaseException], ...] = (), what: str = "The work"):
    """`function(*args)` run in a child process with at most `memory_bytes` more memory and `seconds`.

    Returns its result. An exception of a type in `expected` is raised again here as it was; a
    limit met raises LimitExceeded naming the limit; any other failure raises RuntimeError. The
    child is always gone when this returns.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, memory_bytes, seconds, function, args, expected), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise LimitExceeded(f"{what} took longer than the time limit of {seconds} seconds", limit="time")
        try:
            outcome, value = receiver.recv()
        except (EOFError, OSError):  # the child died without a word: killed, or out of memory in C
            outcome, value = "memory", None
    finally:
        receiver.close()
        if child.is_alive():
            os.kill(child.pid, signal.SIGKILL)
        child.join()
    if outcome == "ok":
        return value
    if outcome == "memory":
        raise LimitExceeded(f"{what} needed more than the memory limit of {memory_bytes // (1024 * 1024)} MB",
                            limit="memory")
    if outcome == "refused":
        raise value
    raise RuntimeError(f"{what} failed in its child process: {value}")
