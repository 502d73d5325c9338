"""Work done in a forked copy of the build process, on the machine's other core.

A clean build renders the archive's pages, the company pages, the track record and the sector pages
(about 2.3 s at 520 weeks) in a child process while it loads jieba's dictionary and renders the issue pages
itself (site/assemble.py).
A fork, not a new interpreter: the child starts with the loaded dataset and the derived tables as they
are, and sends back only what it rendered (pickled through a pipe). Only on Linux, where fork is the
norm (Sphinx's parallel builds do the same), and only with a second core to run on.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")


def available() -> bool:
    """Whether work can go to a forked child here: Linux, and more than one core for this process."""
    return sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1


class Forked(Generic[T]):
    """`make()` run in a forked child from entering the block; `result()` waits for its value (the child's
    exception is raised as a RuntimeError carrying its traceback). Leaving the block without the result
    (an error in this process) kills the child. `make` must not log: the child's records would not reach
    this process's handlers (a strict build counts the warnings there)."""

    def __init__(self, make: Callable[[], T]) -> None:
        self.make = make
        self.pid = 0
        self.pipe = -1

    def __enter__(self) -> Forked[T]:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read)
            self._run_child(write)
        os.close(write)
        self.pid, self.pipe = pid, read
        return self

    def _run_child(self, write: int) -> None:
        status = 0
        # The child lives for one render and its memory goes when it exits: the collector's passes there were
        # 0.3 s of the other core at 520 weeks (its peak stays 162 MB, most of it shared with this process).
        gc.disable()
        try:
            payload = pickle.dumps((True, self.make()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            payload = pickle.dumps((False, traceback.format_exc()), protocol=pickle.HIGHEST_PROTOCOL)
            status = 1
        try:
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        finally:
            os._exit(status)  # no atexit handlers, no flush of the buffers copied from the parent

    def result(self) -> T:
        with os.fdopen(self.pipe, "rb") as pipe:
            payload = pipe.read()
        self.pipe = -1
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if not payload:
            raise RuntimeError(f"the child process rendering part of the site died ({_described(status)})")
        done, value = pickle.loads(payload)
        if not done:
            raise RuntimeError(f"the child process rendering part of the site failed:\n{value}")
        return value  # type: ignore[no-any-return]  # what make() returned, unpickled

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self.pipe != -1:
            os.close(self.pipe)
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0


def _described(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
