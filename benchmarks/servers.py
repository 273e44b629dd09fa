"""The HTTP servers the write benchmark drives, each in its own process, all with the same
waitress settings: engage's web process, engage's projection worker, `engage-serve` with N
processes, and the framework's ceiling (benchmarks/ceiling.py)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

# One set of waitress settings for every server measured, so the ratios compare the code
# behind the server and not its configuration. 24 threads: more than the 16 connections the
# client keeps open, so no request waits for a free thread.
WAITRESS = {"threads": 24}

# The key of [app:main] that tells `engage-serve <ini>` how many web processes to run (not in
# [server:main]: waitress refuses keys it does not know, and pserve reads that section too).
PROCESSES_KEY = "engage.web.processes"

ENGAGE_SERVER = """
import json, os, sys
from waitress import serve
from engage import main
settings = json.loads(os.environ["ENGAGE_BENCH_SETTINGS"])
waitress = json.loads(os.environ["ENGAGE_BENCH_WAITRESS"])
serve(main({}, **settings), host="127.0.0.1", port=int(sys.argv[1]), _quiet=True, **waitress)
"""

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[:3]} exited with {process.returncode} before listening")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{process.args[:3]} did not listen on port {port} within {timeout:.0f} s")
            time.sleep(0.2)


@contextmanager
def running(args: list[str], *, port: int | None = None, env: dict | None = None):
    """A server process for the duration of the block, stopped (SIGTERM) at its end; one that
    stopped by itself before that makes the measurement fail."""
    process = subprocess.Popen(args, env={**os.environ, **(env or {})})
    try:
        if port is not None:
            wait_until_listening(port, process)
        yield process
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited ({process.returncode}) while it was measured")
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def engage_web(settings: dict, port: int):
    """engage's WSGI app behind waitress, one process (as the benchmarks always ran it)."""
    return running([sys.executable, "-c", ENGAGE_SERVER, str(port)], port=port,
                   env={"ENGAGE_BENCH_SETTINGS": json.dumps(settings), "ENGAGE_BENCH_WAITRESS": json.dumps(WAITRESS)})


def ceiling(database_url: str, table: str, port: int):
    """The framework's ceiling: a bare Pyramid view doing one INSERT, behind the same waitress."""
    return running([sys.executable, "-m", "benchmarks.ceiling", str(port), database_url, table], port=port,
                   env={"ENGAGE_BENCH_WAITRESS": json.dumps(WAITRESS)})


def projections(ini: Path):
    """engage-projections <ini>: the read models follow the log in their own process. Start it
    once the web process listens: two processes creating the tables at once may collide."""
    return running([str(BIN / "engage-projections"), str(ini)])


def engage_serve(ini: Path, port: int):
    """engage-serve <ini>: N web processes on one port, N from [app:main]'s engage.web.processes.

    What the measurement expects of it: the command in the virtualenv's bin (or on the PATH);
    the ini as write_ini() makes it ([app:main] with engage.projections.in_process = false,
    [server:main] with listen and threads); listening on `listen` within 60 s;
    SIGTERM to it stops every one of its processes. Missing is an error, never a skipped
    measurement."""
    command = BIN / "engage-serve"
    if not command.exists() and shutil.which("engage-serve") is None:
        raise FileNotFoundError(f"{command} is not installed: the several-process server (issue item 6) is"
                                " needed to measure B1 at 2 web processes")
    return running([str(command) if command.exists() else "engage-serve", str(ini)], port=port)


def write_ini(path: Path, settings: dict, port: int, processes: int = 1) -> Path:
    """An ini file for engage's console scripts: the app's settings, waitress's as above."""
    app = "\n".join(f"{key} = {str(value).replace('%', '%%')}" for key, value in settings.items())
    server = "\n".join(f"{key} = {value}" for key, value in WAITRESS.items())
    path.write_text(f"""[app:main]
use = egg:engage
{app}
{PROCESSES_KEY} = {processes}

[server:main]
use = egg:waitress#main
listen = 127.0.0.1:{port}
{server}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)s [%(name)s] %(message)s
""")
    return path
