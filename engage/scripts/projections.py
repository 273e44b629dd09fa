"""engage-projections <ini> [--group NAME]: the projection workers, as long-running processes.

With --group, one process follows the log for one group of projections
(engage/projections/groups.py), or for several run as one ("transparency+consultations").
Without it, this process starts the processes `engage.projections.processes` names (by
default groups.PROCESSES: the public log and the counters together, every other read model
apart), each a child process, and supervises them: a child that dies is started again after
`engage.projections.restart_delay` seconds (5 by default), and SIGTERM or SIGINT stops
every child and exits 0. `engage.projections.batch_size` (500 by default): events per
batch, each one transaction.
"""

from __future__ import annotations

import argparse
import ctypes
import signal
import subprocess
import sys
import threading
import time

from engage.projections.engine import ProjectionWorker
from engage.projections.groups import UnknownGroup, group_engine, group_named, group_parts, processes_from
from engage.scripts import load_with_web_services, log, usage

USAGE = "usage: engage-projections <ini> [--group NAME]"
#: How long a child has to finish its batch after SIGTERM before it is killed.
STOP_TIMEOUT = 30.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class _Arguments(argparse.ArgumentParser):
    def error(self, message):
        usage(f"{USAGE}\n{message}")


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = _Arguments(prog="engage-projections", add_help=False)
    parser.add_argument("ini")
    parser.add_argument("--group")
    args = parser.parse_args(argv)
    if args.group is not None:
        try:
            group_parts(args.group)
        except UnknownGroup as unknown:
            usage(str(unknown))
    if args.group is None:
        supervise(args.ini)
    else:
        run_group(args.ini, args.group)


def run_group(ini: str, name: str) -> None:
    engage = load_with_web_services(ini)  # the support policy mails authors from here
    try:
        group = group_named(name, engage.engine.projections)
        batch_size = int(engage.settings.get("engage.projections.batch_size", 0)) or None
        engine = group_engine(engage.engine, group, engage.hooks, batch_size=batch_size)
        # Woken by the log's commits and the trailed groups' progress (PostgreSQL); the poll is
        # the fallback, and SQLite's way.
        worker = ProjectionWorker(engine, poll_interval=0.1 if engine.db.backend == "sqlite" else 1.0)
        worker.wake_on_commits()

        def stop(*_):
            engine.stop()  # at the end of the batch under way, not of a long catch-up
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        log.info("projection group %s running: %s", name, ", ".join(group.projections))
        try:
            worker.run_forever()
        except KeyboardInterrupt:
            pass
    finally:
        engage.close()


def supervise(ini: str) -> None:
    # Every table is set up once, here, before the children start: they would otherwise race
    # to create them (concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL).
    engage = load_with_web_services(ini)  # a setting missing: said once here, not by every child
    delay = float(engage.settings.get("engage.projections.restart_delay", 5))
    try:
        processes = processes_from(engage.settings)
    except (ValueError, UnknownGroup) as wrong:
        usage(str(wrong))
    finally:
        engage.close()
    stopping = threading.Event()

    def stop(*_):
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    supervisor = Supervisor(ini, processes, delay)
    try:
        supervisor.run(stopping)
    finally:
        supervisor.stop_all()


def _die_with_parent() -> None:
    """In the child, before it runs: SIGTERM when the supervisor dies, even of SIGKILL, so no
    group keeps running unsupervised (Linux's PR_SET_PDEATHSIG; elsewhere, nothing)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class Supervisor:
    """One child process per group, started again `delay` seconds after it dies."""

    def __init__(self, ini: str, groups: list[str], delay: float):
        self.ini, self.groups, self.delay = ini, groups, delay
        self.children: dict[str, subprocess.Popen] = {}
        self.restart_at: dict[str, float] = {name: 0.0 for name in groups}

    def command(self, group: str) -> list[str]:
        return [sys.executable, "-m", "engage.scripts.projections", self.ini, "--group", group]

    def run(self, stopping: threading.Event, tick: float = 0.5) -> None:
        while not stopping.is_set():
            now = time.monotonic()
            for group in self.groups:
                child = self.children.get(group)
                if child is not None and child.poll() is not None:
                    log.error("projection group %s stopped (exit code %s): restarting it in %s s",
                              group, child.returncode, self.delay)
                    del self.children[group]
                    self.restart_at[group] = now + self.delay
                if group not in self.children and now >= self.restart_at[group]:
                    # Its own process group: a Ctrl-C reaches the supervisor, which stops the
                    # children itself, in order, instead of every process at once.
                    self.children[group] = subprocess.Popen(self.command(group), start_new_session=True,
                                                            preexec_fn=_die_with_parent)
                    log.info("projection group %s started (pid %s)", group, self.children[group].pid)
            stopping.wait(tick)

    def stop_all(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for group, child in self.children.items():
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.error("projection group %s did not stop in %s s: killed", group, STOP_TIMEOUT)
                child.kill()
                child.wait()
        self.children.clear()


if __name__ == "__main__":
    main()
