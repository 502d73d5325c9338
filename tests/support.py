"""What tests/ and bench/ both need: the /proc walk, ports, a snapshot of the site's sources, `suanli serve`
driven save by save, and the gzip level pages are weighed at.

Standard library only, so a bench script imports it without pytest, Playwright or bs4 (they put tests/
on sys.path). Linux: the process functions read /proc.
"""

from __future__ import annotations

import gzip
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

REPO = Path(__file__).resolve().parent.parent

# --- processes (/proc) -------------------------------------------------------------------------------


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process, from /proc/N/stat (the command name may hold spaces and ')')."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):  # gone meanwhile
                continue
    return parents


def process_tree(pid: int) -> list[int]:
    """`pid` first, then its live descendants: what a server started, to measure or to stop."""
    parents = _parents()
    found, todo = [pid], [pid]
    while todo:
        parent = todo.pop()
        children = [child for child, ppid in parents.items() if ppid == parent and child not in found]
        found += children
        todo += children
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs: it exists and is not a zombie (an exited process its parent has not reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def rss_mb(pids: list[int]) -> float:
    """Resident memory of `pids` together, in MB (a process gone meanwhile counts 0)."""
    total_kb = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kb += int(match.group(1)) if match else 0
    return total_kb / 1024


def marked_processes(mark: bytes, exclude: int) -> dict[int, str]:
    """pid -> command line of every process (but `exclude`) whose environment holds the entry `mark`
    (b"NAME=value"): an inherited variable finds what a run started even after its parent is gone."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == exclude:
            continue
        try:
            if mark in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def machine() -> str:
    """The machine a figure was measured on, for the bench scripts' reports."""
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


# --- ports ---------------------------------------------------------------------------------------------


def free_port() -> int:
    """A port nothing listens on now (the system's pick), for a server of our own."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Whether a server could listen on `port` now, i.e. a stopped one let it go."""
    with socket.socket() as s:
        # as a server binds (serve itself does): connections the stopped server closed may linger in TIME_WAIT
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
        except OSError:
            return False
        return True


# --- the site's sources ----------------------------------------------------------------------------------

SOURCES = ("mkdocs.yml", "docs", "gen", "overrides")  # always, if the version has them
NOT_SOURCES = {"data", "tests", "bench", "site", ".cache", ".github", ".ci", ".git", ".venv"}


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, check=True, capture_output=True, text=True).stdout


def named_paths(config: str) -> set[str]:
    """Top-level folders and files that an mkdocs.yml names: docs_dir, custom_dir, hooks, gen-files
    scripts, watch (an earlier version names gen/hooks.py; one whose build needs, say, a templates folder
    beside gen/ names it there)."""
    found = set(re.findall(r"^\s*(?:docs_dir|custom_dir):\s*([^\s#]+)", config, re.MULTILINE))
    for block in re.finditer(r"^([ ]*)(?:hooks|watch|scripts):[ ]*\n((?:\1[ ]*- [^\n]+\n)+)", config, re.MULTILINE):
        found |= set(re.findall(r"- ([^\s#]+)", block.group(2)))
    return {Path(p).parts[0] for p in found if p and not Path(p).is_absolute()}


def snapshot(dest: Path, rev: str | None = None) -> Path:
    """The sources a build needs, copied to `dest`: from git revision `rev`, or (None) the working tree as it
    is now, so later edits to it change nothing there. Run there with PYTHONPATH=dest/gen, so the snapshot's
    own `suanli` package is imported rather than the editable install's."""
    dest.mkdir(parents=True, exist_ok=True)
    if rev is None:
        present = {p.name for p in REPO.iterdir()}
        config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    else:
        present = set(_git("ls-tree", "--name-only", rev).splitlines())
        config = _git("show", f"{rev}:mkdocs.yml")
    names = sorted(((set(SOURCES) | named_paths(config)) - NOT_SOURCES) & present)
    if rev is None:
        for name in names:
            if (REPO / name).is_dir():
                ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
                shutil.copytree(REPO / name, dest / name, ignore=ignore)
            else:
                shutil.copy2(REPO / name, dest / name)
    else:
        archive = subprocess.run(["git", "archive", rev, *names], cwd=REPO, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    (dest / "data").mkdir(exist_ok=True)  # earlier mkdocs.yml files name data/ under watch:
    # compiled now, so no build pays for it and `serve` never sees __pycache__ appear under a watched gen/
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(dest / "gen")], check=True)
    return dest


# --- preview: `suanli serve`, save by save -----------------------------------------------------------------


def retitled(issue_yaml: str, number: int) -> str:
    """issue.yaml as an author saves draft `number`: a changed title, so the generator's cache misses."""
    title = re.search(r"^title: (.*)$", issue_yaml, re.MULTILINE).group(1)
    return issue_yaml.replace(f"title: {title}", f"title: {title}（第{number}稿）", 1)


class Preview:
    """`suanli serve --port PORT` in `cwd` with `env` (its own session, output to `log`) for a with block:
    entered once it serves; `save` edits a file and waits for the rebuild; `stop` is SIGTERM, measured.
    On exit whatever is left (its processes and process group) is killed."""

    RELOADED = "Reloading browsers"

    def __init__(
        self, cwd: Path, env: dict[str, str], log: Path, port: int | None = None, start_timeout: float = 900
    ) -> None:
        self.cwd, self.env, self.log = cwd, env, log
        self.port = port or free_port()
        self.start_timeout = start_timeout
        self.server: subprocess.Popen | None = None
        self.first_build_s = 0.0  # from the start to "Serving on"
        self.known: list[int] = []  # the process tree when stop() began

    def __enter__(self) -> Preview:
        with self.log.open("w", encoding="utf-8") as out:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "suanli.cli", "serve", "--port", str(self.port)],
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its group can be killed whole, and Ctrl-C reaches only us
            )
        started = time.monotonic()
        try:
            while "Serving on" not in self.output():
                if self.server.poll() is not None or time.monotonic() - started > self.start_timeout:
                    raise SystemExit(f"serve did not start:\n{self.output()[-3000:]}")
                time.sleep(0.1)
        except BaseException:
            self.kill()
            raise
        self.first_build_s = time.monotonic() - started
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.kill()

    @property
    def pid(self) -> int:
        assert self.server is not None, "not started"
        return self.server.pid

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def save(self, path: Path, text: str, timeout: float = 900) -> float:
        """Write `text` to `path` as an editor saves, and wait for the server's next reload: seconds from the
        save to it. Fails with the log's end on a Traceback or an abort, or after `timeout` seconds."""
        reloads = self.output().count(self.RELOADED)
        path.write_text(text, encoding="utf-8")
        saved = time.monotonic()
        while time.monotonic() - saved < timeout:
            output = self.output()
            if output.count(self.RELOADED) > reloads:
                return time.monotonic() - saved
            if "Aborted" in output or "Traceback" in output:
                raise SystemExit(f"serve failed:\n{output[-3000:]}")
            time.sleep(0.05)
        raise SystemExit(f"no rebuild within {timeout} s:\n{self.output()[-3000:]}")

    def rss_mb(self) -> float:
        """Resident memory of the server and every process it runs, in MB."""
        return rss_mb(process_tree(self.pid))

    def stop(self, timeout: float = 30) -> dict:
        """SIGTERM, as a terminal's Ctrl-C or a service manager stops it: how long it took to exit, how many
        processes it ran, how many of them are left running, and whether its port is free again."""
        assert self.server is not None, "not started"
        self.known = process_tree(self.server.pid)
        begun = time.monotonic()
        self.server.send_signal(signal.SIGTERM)
        try:
            self.server.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        exit_s = time.monotonic() - begun
        left = [pid for pid in self.known if alive(pid)]
        return {
            "exit_s": exit_s,
            "processes": len(self.known),
            "left": len(left),
            "port_freed": port_is_free(self.port),
        }

    def kill(self) -> None:
        """The server, its descendants, what stop() saw it run, and its process group (an earlier commit's
        serve left a child that survives SIGTERM)."""
        if self.server is None:
            return
        for pid in set(process_tree(self.server.pid)[1:]) | set(self.known[1:]):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.killpg(self.server.pid, signal.SIGKILL)
        except OSError:
            pass
        if self.server.poll() is None:
            self.server.kill()
        self.server.wait()


# --- weights ---------------------------------------------------------------------------------------------

# One level for every weight a bench figure gives and for bench/gzip_server.py: GitHub Pages serves text
# gzipped, and 6 is zlib's default (9 would weigh pages lighter than a server sends them).
GZIP_LEVEL = 6


def gzipped(data: bytes) -> bytes:
    """`data` as a server gzips it (no timestamp, so the same bytes give the same body)."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def gzipped_size(path: Path) -> int:
    """Bytes a reader downloads for `path`, gzipped at GZIP_LEVEL."""
    return len(gzipped(path.read_bytes()))
