"""Run one action from many threads at once (a barrier releases them together): results and errors."""

from __future__ import annotations

import threading


def run_concurrently(count, action):
    results, errors = [], []
    barrier = threading.Barrier(count)

    def worker(i):
        barrier.wait()
        try:
            results.append(action(i))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
