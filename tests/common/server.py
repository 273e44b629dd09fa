"""The app behind a real waitress, configured as an ini file's [server:main] says, reached
through webtest: a request too large for waitress fails here as it would in production. And
engage's processes as production runs them (engage-serve, engage-projections): an ini file for
them, a free port, waiting until a port answers, the worker processes of a parent."""

from __future__ import annotations

import configparser
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import webtest
from waitress import create_server

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # engage-serve, engage-projections
HOP_BY_HOP = {"connection", "transfer-encoding", "keep-alive"}


def ini_sections(name: str) -> configparser.ConfigParser:
    """One of the repository's ini files (development.ini, production.ini), %(here)s resolved."""
    parser = configparser.ConfigParser(defaults={"here": str(ROOT)})
    parser.read(ROOT / name)
    return parser


def _forward(host: str, port: int):
    def proxy(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        headers["Content-Length"] = str(len(body))
        path = environ.get("PATH_INFO", "/") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        connection = http.client.HTTPConnection(host, port, timeout=600)
        try:
            connection.request(environ["REQUEST_METHOD"], path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        start_response(f"{response.status} {response.reason}",
                       [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP])
        return [data]

    return proxy


@contextmanager
def behind_waitress(testapp: webtest.TestApp, ini: str = "development.ini"):
    """A webtest client (sharing `testapp`'s cookies) of the same app served by waitress with
    the ini file's max_request_body_size."""
    limit = int(ini_sections(ini)["server:main"]["max_request_body_size"])
    server = create_server(testapp.app, host="127.0.0.1", port=0, threads=2, max_request_body_size=limit)
    thread = threading.Thread(target=server.run, name="waitress-upload-tests", daemon=True)
    thread.start()
    try:
        client = webtest.TestApp(_forward("127.0.0.1", server.effective_port))
        client.cookiejar = testapp.cookiejar
        yield client
    finally:
        server.close()
        thread.join(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_ini(path: Path, database_url: str, key_path: Path, *, processes: int | str = 1) -> Path:
    """An ini for engage-serve and engage-projections on one database; its port is the variable
    http_port (`engage-serve <ini> http_port=6543`)."""
    path.write_text(f"""[app:main]
use = egg:engage
engage.database_url = {database_url}
engage.session_secret = test-only-shared-by-every-node
engage.identifier_key = test-card-number-key-0123456789
engage.public_url = http://localhost
engage.projections.in_process = false
engage.read_your_writes_timeout = 60
engage.password_hashing = cheapest-for-tests-only
engage.mailer = outbox
engage.transparency.key_path = {key_path}
engage.transparency.create_key = true
engage.transparency.origin = test.engage.example/log
engage.web.processes = {processes}

[server:main]
use = egg:waitress#main
host = 127.0.0.1
port = %(http_port)s
threads = 4
""")
    return path


def start_server(ini: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen([BIN / "engage-serve", str(ini), f"http_port={port}"], stderr=subprocess.PIPE,
                            text=True)


def answers(port: int, timeout: float = 60) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout).read()
        return True
    except OSError:
        return False


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise AssertionError(f"the process on port {port} exited: {process.stderr.read()}")
        if answers(port, timeout=1):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing answers on port {port}")


def children_of(pid: int) -> set[int]:
    """The live (not zombie) processes whose parent is `pid`, from /proc."""
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) == pid and state != "Z":
            children.add(int(entry.name))
    return children


def wait_for_children(pid: int, count: int, *, without: set[int] = frozenset()) -> set[int]:
    """Once `pid` has `count` live children, none of them in `without`: those children."""
    for _ in range(600):
        children = children_of(pid)
        if len(children) == count and not children & without:
            return children
        time.sleep(0.1)
    raise AssertionError(f"process {pid} has children {children_of(pid)}, not {count} new ones")


def started(pid: int) -> int | None:
    """When the process `pid` started (clock ticks since boot), None if there is none: with its
    pid, it names one process even once the pid is reused (a busy machine wraps pids quickly)."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except OSError:
        return None


def is_alive(pid: int, start: int) -> bool:
    """The process `pid` that started at `start` is running, or stopped; not gone and not a
    zombie left for its parent to collect."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z" and int(fields[19]) == start


def _server_side(port: int, client_port: int) -> tuple[int, int] | None:
    """(state, bytes not yet read) of the server's end of a local TCP connection, from /proc."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state, queues = fields[1], fields[2], fields[3], fields[4]
        if int(local.split(":")[1], 16) == port and int(remote.split(":")[1], 16) == client_port:
            return int(state, 16), int(queues.split(":")[1], 16)
    return None


def wait_until_read(port: int, client_port: int) -> None:
    """Once the server has read everything the client at `client_port` sent so far (a worker
    accepted the connection and took the bytes: a partial request is now in its hands)."""
    for _ in range(600):
        side = _server_side(port, client_port)
        if side is not None and side[1] == 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing read what 127.0.0.1:{client_port} sent to port {port}")


def _sockets_of(pid: int) -> set[str]:
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return set()
    return {link for link in links if link.startswith("socket:")}


def wait_until_not_listening(worker: int, parent: int) -> None:
    """Once `worker` no longer holds the listening sockets it inherited from `parent` (the
    parent's only sockets): it has stopped accepting, or is gone."""
    listening = _sockets_of(parent)
    for _ in range(600):
        if not (_sockets_of(worker) & listening):
            return
        time.sleep(0.1)
    raise AssertionError(f"worker {worker} still listens")
