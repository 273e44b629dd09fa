"""engage-serve <ini> [name=value ...]: the web tier, as N waitress processes on one port.

The parent reads the ini, binds the listening socket(s) of [server:main] once, forks
`engage.web.processes` workers and supervises them; it never builds the application, so no
connection pool, thread or PostgreSQL connection crosses a fork. Each worker builds the WSGI
application after the fork and serves the shared socket with waitress (the kernel hands each
new connection to one of them). A worker that dies is replaced after a short delay; SIGTERM or
SIGINT stops every worker (each stops accepting and finishes the requests it holds) and exits 0.

With one process this serves as `pserve <ini>` does. `name=value` arguments fill the ini's
`%(name)s` variables, as pserve's do.
"""

from __future__ import annotations

import configparser
import logging
import os
import selectors
import signal
import socket
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pyramid.paster import get_app, get_appsettings, setup_logging
from pyramid.scripts.common import get_config_loader, parse_vars
from waitress import create_server, wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer

from engage.db import DatabaseURL, database_url_from
from engage.scripts import REFUSALS, log, usage
from engage.settings import apply_environment

USAGE = "usage: engage-serve <ini> [name=value ...]"
PROCESSES_SETTING = "engage.web.processes"
WAITRESS = {"egg:waitress", "egg:waitress#main"}
# Where the listening address is; the workers get the bound sockets instead.
ADDRESS_SETTINGS = {"host", "port", "listen", "ipv4", "ipv6"}
RESTART_DELAY = 1.0  # seconds before a dead worker is replaced; doubles while it keeps failing
MAX_RESTART_DELAY = 30.0
DRAIN = 10.0  # seconds a stopping worker gives the requests it holds
STOP_GRACE = 20.0  # seconds the workers get to stop before SIGKILL: DRAIN, then waitress's threads
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
PID = struct.Struct("=i")  # what a worker writes on the ready pipe (atomic: < PIPE_BUF)


class ConfigurationError(Exception):
    """A mistake in the ini or the command line: one line, exit status 2."""


@dataclass(frozen=True)
class ServeConfig:
    ini: str
    variables: dict[str, str]
    processes: int
    adjustments: Adjustments  # [server:main], checked by waitress itself
    server_settings: dict[str, str]  # what each worker passes to waitress, besides the sockets


def read_config(argv: list[str]) -> ServeConfig:
    if not argv or argv[0].startswith("-"):
        raise ConfigurationError(USAGE)
    ini, assignments = argv[0], argv[1:]
    try:
        variables = parse_vars(assignments)
    except ValueError as error:
        raise ConfigurationError(f"{error}; {USAGE}") from None
    if not Path(ini).is_file():
        raise ConfigurationError(f"no such ini file: {ini}")
    try:
        server = dict(get_config_loader(ini).get_settings("server:main", variables))
        app_settings = apply_environment(dict(get_appsettings(ini, options=variables)))
    except (configparser.Error, LookupError) as error:
        raise ConfigurationError(f"{ini}: {error}") from None
    if not server:
        raise ConfigurationError(f"{ini} has no [server:main] section")
    if server.pop("use", None) not in WAITRESS:
        raise ConfigurationError(
            f"{ini}: [server:main] must say `use = egg:waitress#main` (engage-serve runs waitress)")
    if "unix_socket" in server:
        raise ConfigurationError(
            f"{ini}: engage-serve listens on TCP: replace unix_socket by listen in [server:main]")
    processes = parse_processes(app_settings.get(PROCESSES_SETTING, "1"))
    if processes > 1:
        refuse_sqlite(app_settings, processes)
    try:
        adjustments = Adjustments(**server)
    except (ValueError, TypeError) as error:
        raise ConfigurationError(f"{ini}: [server:main]: {error}") from None
    worker_settings = {key: value for key, value in server.items() if key not in ADDRESS_SETTINGS}
    return ServeConfig(ini, variables, processes, adjustments, worker_settings)


def parse_processes(value: str) -> int:
    try:
        processes = int(str(value).strip())
    except ValueError:
        processes = 0
    if processes < 1:
        raise ConfigurationError(
            f"{PROCESSES_SETTING} must be a positive integer (how many web processes), not {value!r}")
    return processes


def refuse_sqlite(settings: dict, processes: int) -> None:
    """SQLite is the embedded, one-process store: its writers take turns on the file's lock, so
    more processes add no write throughput, only lock waits between processes (group commit
    batches one process's threads, not several processes), and each process would run its own
    projection thread against the same file."""
    try:
        backend = DatabaseURL.parse(database_url_from(settings)).backend
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    if backend == "sqlite":
        raise ConfigurationError(
            f"{PROCESSES_SETTING} = {processes} needs PostgreSQL: SQLite serializes every writer on its"
            f" file lock, so run one process on SQLite ({PROCESSES_SETTING} = 1)")


def listening_sockets(adjustments: Adjustments) -> list[socket.socket]:
    """Bound and listening, once, in the parent: every worker accepts on the same sockets."""
    sockets = []
    try:
        for family, socktype, proto, address in adjustments.listen:
            sock = socket.socket(family, socktype, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(adjustments.backlog)
    except OSError as error:
        for sock in sockets:
            sock.close()
        where = " ".join(f"{host}:{port}" for host, port in
                         (address[:2] for *_, address in adjustments.listen))
        raise ConfigurationError(
            f"cannot listen on {where}: {error.strerror or error}; stop what uses the port or"
            " change listen (or port) in [server:main]") from None
    return sockets


class StopRequest:
    """SIGTERM or SIGINT in a worker: before it serves, it exits at once; afterwards it drains.
    A parent killed outright (SIGKILL, a crash) stops it too: an orphan would keep the port,
    and the next engage-serve would find it in use."""

    def __init__(self, parent: int):
        self.parent = parent
        self.requested = False
        self.serving = False

    def wanted(self) -> bool:
        return self.requested or os.getppid() != self.parent

    def __call__(self, signum, frame) -> None:
        self.requested = True
        if not self.serving:
            raise SystemExit(0)


def serve_worker(config: ServeConfig, sockets: list[socket.socket], ready_fd: int, stop: StopRequest) -> int:
    """In a forked worker: build the application (its pools are this process's own), tell the
    parent it is ready, serve until SIGTERM or SIGINT, then drain. Returns the exit status."""
    try:
        app = get_app(config.ini, options=config.variables)
    except REFUSALS as error:  # "set ENGAGE_IDENTIFIER_KEY...", no KEK, no public URL...
        log.error("web process %d: the application refused to start: %s", os.getpid(), error)
        return 2
    except Exception:
        log.exception("web process %d: the application did not start", os.getpid())
        return 1
    try:
        server = create_server(app, sockets=sockets, **config.server_settings)
        stop.serving = True
        os.write(ready_fd, PID.pack(os.getpid()))
        log.info("web process %d serving on %s", os.getpid(), listening_on(sockets))
        serve_until_stopped(server, config.adjustments, stop)
    finally:
        engage = getattr(getattr(app, "registry", None), "engage", None)
        if engage is not None:
            engage.close()
    return 0


def serve_until_stopped(server, adjustments: Adjustments, stop: StopRequest) -> None:
    """waitress's loop, until a stop is requested; then stop accepting (the other workers go on)
    and finish the requests in hand, DRAIN seconds at most, before waitress's threads stop.
    waitress's own run() would stop its loop at once, and the answers of requests in progress,
    which the loop writes, would be lost."""
    socket_map = server.map if isinstance(server, MultiSocketServer) else server._map
    loop = dict(map=socket_map, use_poll=adjustments.asyncore_use_poll, count=1)
    while not stop.wanted():  # noticed within asyncore_loop_timeout (1 s)
        wasyncore.loop(timeout=adjustments.asyncore_loop_timeout, **loop)
    for listener in [d for d in socket_map.values() if isinstance(d, BaseWSGIServer)]:
        listener.accepting = False
        listener.del_channel()
        listener.socket.close()  # this process's copy: the port stays open in the others
    deadline = time.monotonic() + DRAIN
    while _requests_in_hand(socket_map) and time.monotonic() < deadline:
        wasyncore.loop(timeout=0.1, **loop)
    server.task_dispatcher.shutdown()
    wasyncore.close_all(socket_map)


def _requests_in_hand(socket_map: dict) -> bool:
    """Whether a connection has a request being received, served or answered; idle keep-alive
    connections are closed meanwhile."""
    busy = False
    for channel in list(socket_map.values()):
        if not isinstance(channel, HTTPChannel):
            continue
        if channel.requests or channel.request is not None or channel.total_outbufs_len:
            busy = True
        else:
            channel.will_close = True  # closed at the loop's next pass
    return busy


def listening_on(sockets: list[socket.socket]) -> str:
    return ", ".join("http://{}:{}".format(*sock.getsockname()[:2]) for sock in sockets)


@dataclass
class Worker:
    slot: int
    pid: int
    ready: bool = False


@dataclass
class Supervisor:
    """Keeps `processes` workers alive; `spawn(slot)` forks one worker and returns its pid."""

    processes: int
    spawn: Callable[[int], int]
    restart_delay: float = RESTART_DELAY
    workers: dict[int, Worker] = field(default_factory=dict)
    serving: bool = False  # some worker has been ready: failures are now restarted, not fatal
    _stopping: bool = False
    _all_started: bool = False
    _ready_r: int = -1  # the pipe on which each worker writes its pid once it serves
    _restarts: dict[int, float] = field(default_factory=dict)  # slot -> when to start it again
    _delays: dict[int, float] = field(default_factory=dict)  # slot -> delay after its next failure

    def run(self, ready_r: int) -> int:
        self._ready_r = ready_r
        wakeup_r, wakeup_w = os.pipe()
        os.set_blocking(wakeup_w, False)
        for fd in (wakeup_r, ready_r):
            os.set_blocking(fd, False)
        signal.set_wakeup_fd(wakeup_w)
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._stop)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that it wakes the selector
        selector = selectors.DefaultSelector()
        selector.register(wakeup_r, selectors.EVENT_READ)
        selector.register(ready_r, selectors.EVENT_READ)
        status = 0
        try:
            # One worker first: on a new database it creates the tables (CREATE TABLE IF NOT
            # EXISTS races between processes on PostgreSQL) and, in development, the keys; the
            # others start once it serves.
            self._start(0)
            while not self._stopping:
                self._read_ready()
                if self.serving and not self._all_started:
                    self._all_started = True
                    for slot in range(1, self.processes):
                        self._start(slot)
                failed = self._reap()
                if failed is not None:
                    status = failed
                    break
                self._start_due()
                selector.select(self._timeout())
                _drain(wakeup_r)
        finally:
            self._stop_workers()
            signal.set_wakeup_fd(-1)
            selector.close()
            for fd in (wakeup_r, wakeup_w):
                os.close(fd)
        return status

    def _stop(self, signum, frame) -> None:
        self._stopping = True

    def _start(self, slot: int) -> None:
        pid = self.spawn(slot)
        self.workers[pid] = Worker(slot, pid)

    def _read_ready(self) -> None:
        data = _drain(self._ready_r)
        for (pid,) in PID.iter_unpack(data[: len(data) - len(data) % PID.size]):
            worker = self.workers.get(pid)
            if worker is not None:
                worker.ready = self.serving = True
                self._delays.pop(worker.slot, None)

    def _reap(self) -> int | None:
        """Collect dead workers; schedule their replacements. Before anything has served, a
        worker that cannot start stops everything: its status is returned."""
        while True:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return None
            if pid == 0:
                return None
            self._read_ready()  # what it wrote before it died
            worker = self.workers.pop(pid, None)
            if worker is None:
                continue
            code = os.waitstatus_to_exitcode(wait_status)
            if not self.serving:
                log.error("web process %d exited (status %d) before serving; stopping", pid, code)
                return code if code > 0 else 1
            delay = self._delays.get(worker.slot, self.restart_delay)
            # A worker that never got ready is failing to start: wait longer before each new try.
            next_delay = self.restart_delay if worker.ready else min(delay * 2, MAX_RESTART_DELAY)
            self._delays[worker.slot] = next_delay
            log.warning("web process %d died (%s); replacing it in %g s", pid, _describe(code), delay)
            self._restarts[worker.slot] = time.monotonic() + delay

    def _start_due(self) -> None:
        now = time.monotonic()
        for slot, due in sorted(self._restarts.items()):
            if due <= now:
                del self._restarts[slot]
                self._start(slot)

    def _timeout(self) -> float | None:
        if not self._restarts:
            return None
        return max(0.0, min(self._restarts.values()) - time.monotonic())

    def _stop_workers(self) -> None:
        log.info("stopping %d web process(es)", len(self.workers))
        for pid in self.workers:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while self.workers:
            for pid in list(self.workers):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    del self.workers[pid]
            if self.workers and time.monotonic() > deadline:
                log.warning("web process(es) %s did not stop in %g s: killed", sorted(self.workers),
                            STOP_GRACE)
                for pid in self.workers:
                    _signal(pid, signal.SIGKILL)
                deadline = float("inf")
            time.sleep(0.05)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _drain(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _describe(code: int) -> str:
    return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"


def forker(config: ServeConfig, sockets: list[socket.socket], ready_r: int,
           ready_w: int) -> Callable[[int], int]:
    def spawn(slot: int) -> int:
        # Held until the worker has its own handlers: a SIGTERM meant for it must stop it, not
        # run the parent's handler in the child.
        parent = os.getpid()
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        pid = os.fork()
        if pid:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
            return pid
        status = 1
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            stop = StopRequest(parent)
            for signum in STOP_SIGNALS:
                signal.signal(signum, stop)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
            os.close(ready_r)
            status = serve_worker(config, sockets, ready_w, stop)
        except SystemExit:
            status = 0  # stopped while starting
        except BaseException:
            log.exception("web process %d failed", os.getpid())
        finally:
            logging.shutdown()
            os._exit(status)  # never return into the parent's code

    return spawn


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    try:
        config = read_config(argv)
        setup_logging(config.ini, config.variables)
        sockets = listening_sockets(config.adjustments)
    except ConfigurationError as error:
        usage(str(error) if str(error) == USAGE else f"engage-serve: {error}")
    log.info("engage-serve: %d web process(es) on %s, %d threads each", config.processes,
             listening_on(sockets), config.adjustments.threads)
    ready_r, ready_w = os.pipe()
    status = Supervisor(config.processes, forker(config, sockets, ready_r, ready_w)).run(ready_r)
    for sock in sockets:
        sock.close()
    raise SystemExit(status)
