"""Chameleon compiles each template on its first render, in whichever waitress thread asks.

CPython before 3.13 can fail a compile() run while another thread compiles too
("SystemError: AST constructor recursion depth mismatch", python/cpython#106905,
malthe/chameleon#387): seen here as a 500 on the first visit of a page while another page
was being compiled. Chameleon compiles one template at a time; a template compiles once, so
nothing waits after warm-up.
"""

from __future__ import annotations

import threading

from chameleon.template import BaseTemplate

_compiling = threading.RLock()  # re-entrant: a template may load a macro file while compiling
_cook = BaseTemplate._cook


def _cook_one_at_a_time(self, *args, **kwargs):
    with _compiling:
        return _cook(self, *args, **kwargs)


def includeme(config) -> None:
    BaseTemplate._cook = _cook_one_at_a_time
