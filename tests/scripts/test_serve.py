"""engage-serve: a configuration mistake is one line and exit status 2, before anything is
forked or any database opened; with one process it serves as pserve does, on both back ends.
Several processes on PostgreSQL: tests/test_multiprocess.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import pytest

from tests.common.server import (
    BIN,
    answers,
    children_of,
    free_port,
    is_alive,
    start_server,
    started,
    wait_until_not_listening,
    wait_until_read,
    wait_until_up,
    write_ini,
)


def serve(*args) -> subprocess.CompletedProcess:
    """engage-serve with the ini's identifier key, whatever this shell says."""
    environment = {name: value for name, value in os.environ.items() if name != "ENGAGE_IDENTIFIER_KEY"}
    return subprocess.run([BIN / "engage-serve", *map(str, args)], capture_output=True, text=True,
                          timeout=120, env=environment)


def assert_refused(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("engage-serve: ") or result.stderr.startswith("usage"), result.stderr
    # One line, no traceback.
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


@pytest.fixture
def sqlite_ini(tmp_path):
    """An ini whose database is never opened by a refused start (nothing is created)."""
    def make(processes=1):
        return write_ini(tmp_path / "serve.ini", f"sqlite:///{tmp_path / 'engage.sqlite'}",
                         tmp_path / "transparency.key", processes=processes)
    return make


def test_without_an_ini_it_prints_its_usage():
    assert_refused(serve(), "usage: engage-serve <ini>")


def test_an_ini_that_does_not_exist(tmp_path):
    assert_refused(serve(tmp_path / "nowhere.ini", "http_port=6543"), "no such ini file")


@pytest.mark.parametrize("processes", ["0", "-1", "deux", "1.5", ""])
def test_the_number_of_processes_must_be_a_positive_integer(sqlite_ini, processes):
    result = serve(sqlite_ini(processes), f"http_port={free_port()}")
    assert_refused(result, "engage.web.processes must be a positive integer")


def test_several_processes_on_sqlite_are_refused(sqlite_ini, tmp_path):
    result = serve(sqlite_ini(2), f"http_port={free_port()}")
    assert_refused(result, "engage.web.processes = 2 needs PostgreSQL")
    assert not (tmp_path / "engage.sqlite").exists()


def test_a_port_in_use(sqlite_ini):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = serve(sqlite_ini(), f"http_port={taken.getsockname()[1]}")
    assert_refused(result, "cannot listen on 127.0.0.1:")


def test_a_missing_variable_of_the_ini(sqlite_ini):
    assert_refused(serve(sqlite_ini()), "http_port")


def test_a_setting_waitress_does_not_know(sqlite_ini):
    ini = sqlite_ini()
    ini.write_text(ini.read_text() + "thread = 4\n")  # a typo of threads, in [server:main]
    assert_refused(serve(ini, f"http_port={free_port()}"), "thread")


def test_one_process_serves_and_stops_on_sigterm(database_url, tmp_path):
    ini = write_ini(tmp_path / "serve.ini", database_url, tmp_path / "transparency.key")
    port = free_port()
    server = start_server(ini, port)
    try:
        wait_until_up(port, server)
        assert len(children_of(server.pid)) == 1
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=60)
    assert server.returncode == 0, stderr
    assert not answers(port, timeout=1)


def test_a_request_in_progress_at_sigterm_is_answered(database_url, tmp_path):
    """A stopping worker stops accepting but finishes the requests it holds: here one whose
    body is still arriving when SIGTERM comes."""
    ini = write_ini(tmp_path / "serve.ini", database_url, tmp_path / "transparency.key")
    port = free_port()
    server = start_server(ini, port)
    try:
        wait_until_up(port, server)
        [worker] = children_of(server.pid)
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"POST /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n"
                           b"Content-Type: application/x-www-form-urlencoded\r\n\r\nab")
            wait_until_read(port, client.getsockname()[1])
            server.send_signal(signal.SIGTERM)
            wait_until_not_listening(worker, server.pid)
            client.sendall(b"cd")
            client.settimeout(60)
            response = client.recv(100)
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=60)
    assert response.startswith(b"HTTP/1.1 "), response
    assert server.returncode == 0, stderr


def test_an_application_that_cannot_start_stops_engage_serve(tmp_path):
    """Before anything has served, a worker that fails to build the application is not retried
    forever: engage-serve stops with its status, saying why."""
    ini = write_ini(tmp_path / "serve.ini", f"sqlite:///{tmp_path / 'engage.sqlite'}",
                    tmp_path / "transparency.key")
    ini.write_text(ini.read_text().replace("engage.identifier_key = ", "# engage.identifier_key = "))
    result = serve(ini, f"http_port={free_port()}")
    assert result.returncode == 2, result.stderr
    assert "ENGAGE_IDENTIFIER_KEY" in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_workers_stop_when_engage_serve_is_killed(database_url, tmp_path):
    """Orphans would keep the port, and the next engage-serve would find it in use."""
    ini = write_ini(tmp_path / "serve.ini", database_url, tmp_path / "transparency.key")
    port = free_port()
    server = start_server(ini, port)
    try:
        wait_until_up(port, server)
        [worker] = children_of(server.pid)
        start = started(worker)
    finally:
        server.kill()
        server.communicate(timeout=60)
    for _ in range(600):
        if not is_alive(worker, start):
            break
        time.sleep(0.1)
    assert not is_alive(worker, start), f"worker {worker} outlived engage-serve"
