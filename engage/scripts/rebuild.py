"""engage-rebuild <ini> [read-model]: rebuild read models from the log, with a progress bar."""

import sys

from tqdm import tqdm

from engage.scripts import load, usage


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) not in (1, 2):
        usage("usage: engage-rebuild <ini> [read-model]")
    engage = load(argv[0])
    try:
        names = argv[1:] or list(engage.engine.projections)
        unknown = [n for n in names if n not in engage.engine.projections]
        if unknown:
            usage(f"unknown read model: {', '.join(unknown)} (known: {', '.join(engage.engine.projections)})")
        head = engage.engine.head()
        for name in names:
            with tqdm(total=head, desc=name, unit="event", file=sys.stderr) as bar:
                engage.engine.rebuild([name], progress=bar.update)
    finally:
        engage.close()
