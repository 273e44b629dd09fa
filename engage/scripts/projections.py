"""engage-projections <ini>: the projection workers, as their own long-running process."""

import signal
import sys

from engage.projections.engine import ProjectionWorker
from engage.scripts import load, log, usage


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        usage("usage: engage-projections <ini>")
    engage = load(argv[0])
    worker = ProjectionWorker(engage.engine, poll_interval=0.1)
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    log.info("projections running: %s", ", ".join(engage.engine.projections))
    try:
        worker.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        engage.close()
