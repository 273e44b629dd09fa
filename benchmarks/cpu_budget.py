"""Where one vote's CPU goes: every process of a running deployment (the web process, each
projection group's process) and each one's PostgreSQL backends, read from /proc before and
after `rounds` votes (one person, one connection, POST then the page that shows the vote).

    .venv/bin/python -m benchmarks.cpu_budget [--rounds 300]

CPU time, not wall time: on a shared machine a process waits for a core more or less from one
minute to the next, but what it spends once on a core hardly moves. The sum is what one vote
costs the machine; 2 cores ÷ that sum bounds the votes per second (B1), whatever the
concurrency. Linux only (/proc). A fresh schema is created and dropped.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import psycopg

from . import environment, profile, servers, votes
from .writes import _caught_up, _vote_rounds_split

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, every thread included (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15 of stat)


def group_processes(ini: Path) -> dict[str, int]:
    """The projection groups' processes started by `engage-projections <ini>`: {group: pid}."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(ini).encode() in argv and b"--group" in argv:
            found[argv[argv.index(b"--group") + 1].decode()] = int(entry.name)
    return found


def local_ports(pid: int) -> set[int]:
    """The local TCP ports of a process's sockets (its connections to PostgreSQL among them)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            columns = line.split()
            if columns[9] in inodes:
                ports.add(int(columns[1].rsplit(":", 1)[1], 16))
    return ports


def backends_of(processes: dict[str, int]) -> dict[str, list[int]]:
    """Each process's PostgreSQL backends: the server's pids whose client port is one of its."""
    with psycopg.connect(environment.base_url(), autocommit=True) as conn:
        rows = conn.execute("SELECT pid, client_port FROM pg_stat_activity WHERE client_port IS NOT NULL").fetchall()
    by_port = {port: pid for pid, port in rows}
    return {name: [by_port[p] for p in local_ports(pid) if p in by_port] for name, pid in processes.items()}


def measure(rounds: int, spy: str | None = None) -> list[str]:
    schema = f"bench_cpu_{os.getpid()}"
    environment.drop_schema(schema)
    try:
        with environment.services(schema) as engage:
            ballot = votes.prepare(engage, people=1, items=rounds + 25)
        settings = environment.settings(schema)
        with tempfile.TemporaryDirectory(prefix="engage-bench-") as tmp:
            port = servers.free_port()
            ini = servers.write_ini(Path(tmp) / "engage.ini", settings, port, processes=1)
            with servers.engage_web(settings, port) as web, servers.projections(ini):
                _caught_up(schema)
                # Warm up (the first requests compile templates and open pool connections).
                _vote_rounds_split(port, ballot, ballot.emails[0], ballot.items[:20], warmup=10)
                processes = {"web": web.pid, **group_processes(ini)}
                backends = backends_of(processes)
                before = _snapshot(processes, backends)
                load = os.getloadavg()[0]
                spying = _spy(processes[spy], rounds) if spy else None
                split = _vote_rounds_split(port, ballot, ballot.emails[0], ballot.items[20:20 + rounds], warmup=0)
                after = _snapshot(processes, backends)
                if spying:
                    spying.wait()  # it writes its file when its duration is over
    finally:
        environment.drop_schema(schema)
    return _report(processes, before, after, rounds, split, load)


SPY_OUTPUT = Path("var/bench-cpu-budget-spy.txt")
SPY_SECONDS = 5  # shorter than the rounds: py-spy samples only while they run


def _spy(pid: int, rounds: int):
    """py-spy on one process while the rounds run (active threads only: its CPU, collapsed stacks
    in SPY_OUTPUT, for `py-spy`'s raw format readers or a grep)."""
    SPY_OUTPUT.parent.mkdir(exist_ok=True)
    return profile.record(pid, SPY_SECONDS, SPY_OUTPUT, idle=False)


def _snapshot(processes: dict[str, int], backends: dict[str, list[int]]) -> dict[str, tuple[float, float]]:
    return {name: (cpu_seconds(pid), sum(cpu_seconds(b) for b in backends[name])) for name, pid in processes.items()}


def _report(processes, before, after, rounds: int, split, load: float) -> list[str]:
    lines = [f"### CPU of one vote's round, per process (`python -m benchmarks.cpu_budget`, {rounds} rounds,"
             f" load average {load:.1f})", "",
             "| process | its own CPU per round | its PostgreSQL backends' CPU per round |", "|---|---|---|"]
    total = 0.0
    for name in processes:
        own = (after[name][0] - before[name][0]) / rounds * 1000
        backend = (after[name][1] - before[name][1]) / rounds * 1000
        total += own + backend
        lines.append(f"| {name} | {own:.2f} ms | {backend:.2f} ms |")
    round_p50, _ = split["round"]
    lines += ["", f"- every process together: **{total:.2f} ms of CPU per vote** (POST and the page that shows it);"
                  f" 2 cores ÷ that: at most {2000 / total:,.0f} rounds/s whatever the concurrency",
              f"- the round's wall time meanwhile: p50 {round_p50:.1f} ms (POST with its wait"
              f" {split['post'][0]:.1f} ms, page {split['page'][0]:.1f} ms)", ""]
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cpu_budget")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--spy", help="py-spy this process meanwhile (web, or a group's name)")
    args = parser.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"## {started}\n")
    print("\n".join(measure(args.rounds, args.spy)))


if __name__ == "__main__":
    main()
