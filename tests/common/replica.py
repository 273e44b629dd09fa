"""A real PostgreSQL hot standby of the test server, for the read replica's tests.

The standby is a second cluster made by pg_basebackup from the primary of
ENGAGE_TEST_DATABASE_URL (streaming replication over the local socket, as the postgres OS
user: Debian's pg_hba allows `local replication all peer`), in a temporary directory, on a
free port, with its own minimal configuration (Debian keeps the primary's outside its data
directory). Every schema the tests create on the primary replicates to it, so a test's
replica URL is its database URL with the standby's port.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from engage.db import DatabaseURL, lsn_value

# Settings a hot standby must have at least as high as its primary's, or it refuses to start.
AT_LEAST_THE_PRIMARYS = ("max_connections", "max_worker_processes", "max_wal_senders",
                         "max_prepared_transactions", "max_locks_per_transaction")
BASE_BACKUP_ATTEMPTS = 3
SETUP_TIMEOUT = 120.0  # seconds, for the copy and the start: a bound on the setup, not an assertion
# A standby copies the whole cluster: beyond this, the copy does not fit in SETUP_TIMEOUT here.
MAX_CLUSTER_BYTES = 2 * 1024**3


class Unavailable(Exception):
    """This machine cannot make a standby (the reason says why)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = netloc[-1].rsplit(":", 1)[0] if not netloc[-1].endswith("]") else netloc[-1]
    location = f"{netloc[0]}@{host}:{port}" if len(netloc) == 2 else f"{host}:{port}"
    return urlunsplit(parts._replace(netloc=location))


class Standby:
    def __init__(self, primary_url: str):
        self.primary = DatabaseURL.parse(primary_url)
        if self.primary.host not in ("127.0.0.1", "localhost", "::1"):
            raise Unavailable(f"the test server {self.primary.host} is not on this machine")
        if os.geteuid() != 0 or not shutil.which("runuser"):
            raise Unavailable("making a standby needs root and runuser (to act as the postgres user)")
        with self.connect_primary() as conn:
            major = int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000
            self.limits = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in AT_LEAST_THE_PRIMARYS}
            size = conn.execute("SELECT sum(pg_database_size(datname)) FROM pg_database").fetchone()[0]
        if size > MAX_CLUSTER_BYTES:
            # An error, not a skip: the tests must run; say at once what to do (it was a timeout).
            raise RuntimeError(
                f"the test server holds {size / 1024**3:.1f} GB (the benchmarks' datasets, schemas bench_*?),"
                " and a standby copies all of it: drop them (DROP SCHEMA bench_1 CASCADE...) or point"
                " ENGAGE_TEST_DATABASE_URL at another server")
        self.bin = Path(f"/usr/lib/postgresql/{major}/bin")
        if not (self.bin / "pg_basebackup").is_file():
            raise Unavailable(f"no pg_basebackup in {self.bin}")
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="engage-standby-", dir=_scratch()))
        self.data = self.directory / "data"

    def connect_primary(self):
        p = self.primary
        return psycopg.connect(host=p.host, port=p.port, user=p.user, password=p.password, dbname=p.dbname,
                               autocommit=True)

    def connect(self):
        p = self.primary
        return psycopg.connect(host="127.0.0.1", port=self.port, user=p.user, password=p.password,
                               dbname=p.dbname, autocommit=True, connect_timeout=30)

    def as_postgres(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["runuser", "-u", "postgres", "--", *command], cwd="/", check=check,
                              capture_output=True, text=True, timeout=SETUP_TIMEOUT)

    def create(self) -> None:
        shutil.chown(self.directory, "postgres", "postgres")
        os.chmod(self.directory, 0o700)
        self.base_backup()
        settings = {
            "port": self.port, "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.directory}'", "hot_standby": "on", "fsync": "off",
            "shared_buffers": "'32MB'", "logging_collector": "off",
            **self.limits,
        }
        self._write("postgresql.conf", "".join(f"{k} = {v}\n" for k, v in settings.items()))
        self._write("pg_hba.conf", "local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n")
        self._write("pg_ident.conf", "")
        self.start()

    def base_backup(self) -> None:
        """The primary's copy, streamed. One copy at a time on this machine (xdist workers each
        make theirs), and a few attempts: a checkpoint that runs while pg_basebackup creates
        its temporary slot may end the copy ("terminating process ... to release replication slot")."""
        errors = []
        with open(os.path.join(tempfile.gettempdir(), "engage-standby.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for _ in range(BASE_BACKUP_ATTEMPTS):
                try:
                    self.as_postgres(str(self.bin / "pg_basebackup"), "-D", str(self.data), "-R", "-X", "stream",
                                     "--checkpoint=fast", "-p", str(self.primary.port), "-U", "postgres")
                    return
                except subprocess.CalledProcessError as error:
                    errors.append(error.stderr.strip())
                    shutil.rmtree(self.data, ignore_errors=True)
        raise RuntimeError("pg_basebackup failed: " + " / ".join(errors))

    def _write(self, name: str, text: str) -> None:
        path = self.data / name
        path.write_text(text)
        shutil.chown(path, "postgres", "postgres")

    def start(self) -> None:
        result = self.as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                                  str(self.directory / "standby.log"), "-w", "-t", "60", "start", check=False)
        if result.returncode != 0:
            log = (self.directory / "standby.log")
            raise RuntimeError(f"the standby did not start: {result.stderr.strip()}"
                              f" {log.read_text()[-2000:] if log.exists() else ''}")
        deadline = time.monotonic() + SETUP_TIMEOUT
        while True:
            try:
                with self.connect() as conn:
                    if conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                        break
            except psycopg.OperationalError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the standby never answered as a standby")
            time.sleep(0.1)
        self.catch_up()

    def catch_up(self) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        with self.connect_primary() as conn:
            target = lsn_value(conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0])
        deadline = time.monotonic() + SETUP_TIMEOUT
        with self.connect() as conn:
            while lsn_value(conn.execute("SELECT pg_last_wal_replay_lsn()::text").fetchone()[0]) < target:
                if time.monotonic() > deadline:
                    raise RuntimeError("the standby does not catch up with the primary")
                time.sleep(0.02)

    def stop(self) -> None:
        self.as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop",
                         check=False)

    def as_superuser(self, sql: str) -> str:
        """SQL as the standby's superuser (the postgres OS user, on its socket): replay control."""
        return self.as_postgres(str(self.bin / "psql"), "-h", str(self.directory), "-p", str(self.port),
                                "-d", "postgres", "-qAtc", sql).stdout.strip()

    def pause_replay(self) -> None:
        """Replay paused (not only asked to pause): nothing the primary writes from now on shows."""
        deadline = time.monotonic() + SETUP_TIMEOUT
        self.as_superuser("SELECT pg_wal_replay_pause()")
        while self.as_superuser("SELECT pg_get_wal_replay_pause_state()") != "paused":
            if time.monotonic() > deadline:
                raise RuntimeError("the standby does not pause its replay")
            time.sleep(0.01)

    def resume_replay(self) -> None:
        self.as_superuser("SELECT pg_wal_replay_resume()")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def _scratch() -> str | None:
    """Memory when the machine has a tmpfs: the copy is then quick and leaves no disk behind."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
