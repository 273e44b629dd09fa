"""Catch-up lag under load: how long after an event is in the log every read model has it.

A thread samples, every ~50 ms, the log's head (the highest notification id) and the lowest
position of the projections. For each head value seen, the lag is the time from the first
sample that saw it to the first sample where every projection had reached it: resolution
one sampling interval, and the worker's own polling included, as a reader would see it.
"""

from __future__ import annotations

import threading
import time

from .measure import percentiles

INTERVAL = 0.05


class LagSampler:
    def __init__(self, head, lowest, interval: float = INTERVAL):
        self._head, self._lowest = head, lowest
        self.interval = interval
        self.samples: list[tuple[float, int, int]] = []  # (time, head, lowest position)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-lag-sampler", daemon=True)

    def _sample(self) -> tuple[float, int, int]:
        moment = time.monotonic()
        head = self._head()
        return moment, head, self._lowest()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> "LagSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def drain(self, timeout: float = 30) -> bool:
        """After the load: keep sampling until the projections reach the head (so the last
        heads get a lag too), at most `timeout` s. False if they did not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sample = self._sample()
            self.samples.append(sample)
            if sample[2] >= sample[1]:
                return True
            time.sleep(self.interval)
        return False


def catch_up_lags(samples: list[tuple[float, int, int]]) -> tuple[list[float], int]:
    """Seconds from each new head's first sighting to the first sample whose lowest position
    reached it; and how many heads were never reached within the samples."""
    lags, unreached = [], 0
    seen: set[int] = set()
    reached_at = 0
    for index, (moment, head, _) in enumerate(samples):
        if head in seen:
            continue
        seen.add(head)
        # the projections only move forward: the catch-up of a later head is never earlier
        reached_at = max(reached_at, index)
        while reached_at < len(samples) and samples[reached_at][2] < head:
            reached_at += 1
        if reached_at == len(samples):  # nor are the later, higher heads
            unreached = len({later for _, later, _ in samples[index:]})
            break
        lags.append(samples[reached_at][0] - moment)
    return lags, unreached


def summary(samples: list[tuple[float, int, int]]) -> str:
    lags, unreached = catch_up_lags(samples)
    if not lags:
        return f"no new events seen in {len(samples)} samples"
    p50, p95 = percentiles(lags)
    text = (f"p50 {p50 / 1000:.2f} s, p95 {p95 / 1000:.2f} s, max {max(lags):.2f} s"
            f" over {len(lags):,} heads ({len(samples):,} samples every {INTERVAL * 1000:.0f} ms)")
    if unreached:
        text += f"; **{unreached} heads never reached** within the samples"
    return text
