"""Chameleon compiles each template once per process, one template at a time.

CPython before 3.13 can fail a compile() run while another thread compiles too
("SystemError: AST constructor recursion depth mismatch", python/cpython#106905,
malthe/chameleon#387): seen here as a 500 on the first visit of a page while another page
was being compiled. Chameleon compiles one template at a time; a template compiles once, so
nothing waits after warm-up.

Chameleon's own in-memory loader keeps nothing: every template object compiles its source
again, and each configured application (each test's app, each worker) makes its own objects.
The compiled program depends only on the name Chameleon derives for it (the template's path,
a digest of its text, its class and the installed packages' versions, what Chameleon's disk
cache keys on too) and on strict mode, so the process keeps one program per such key. An
edited template gets a new digest, so reloading in development still compiles the new text.
"""

from __future__ import annotations

import threading

from chameleon.template import BaseTemplate

_compiling = threading.RLock()  # re-entrant: a template may load a macro file while compiling
_cook = BaseTemplate._cook
_programs: dict[tuple, dict] = {}


def _cook_once(self, body, name, builtins):
    if self.keep_source:  # debugging wants the source on the object, which only a compile sets
        with _compiling:
            return _cook(self, body, name, builtins)
    key = (type(self), name, tuple(builtins), self.strict)
    with _compiling:
        program = _programs.get(key)
        if program is None:
            program = _programs[key] = _cook(self, body, name, builtins)
        return program


def includeme(config) -> None:
    BaseTemplate._cook = _cook_once
