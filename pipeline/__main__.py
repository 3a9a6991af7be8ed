"""`python -m pipeline` and the `baocao` command: the CLI, with a stop during start-up handled.

Loading the modules takes seconds on a busy machine. A Ctrl-C (or SIGTERM) then is noted, not raised:
raised, it would print a traceback of whatever module was being imported, or, landing in a `__del__`,
be printed as "Exception ignored" and lost while the run went on. Once the modules are loaded a noted
stop ends the process with one line and exit 130/143 (nothing has been read or written yet).
"""

import signal
import sys

_noted: list[int] = []


def _note(signum, frame) -> None:
    _noted.append(signum)


# A signal the caller ignores (a background job's SIGINT) stays ignored.
_previous = {s: signal.signal(s, _note) for s in (signal.SIGINT, signal.SIGTERM)
             if signal.getsignal(s) != signal.SIG_IGN}
try:
    from pipeline.cli import main
finally:
    for _s, _handler in _previous.items():
        signal.signal(_s, _handler)
if _noted:
    sys.stderr.write("error: interrupted while starting: nothing was read or stored\n")
    sys.exit(128 + _noted[0])


def run() -> None:
    """The `baocao` console script."""
    main()


if __name__ == "__main__":
    main()
