"""`python -m pipeline` and the `baocao` command: the CLI, with a Ctrl-C during start-up handled.

Loading the modules takes seconds on a busy machine; a Ctrl-C then is one line and exit 130, not a
traceback of whatever module was being imported (nothing has been read or written yet).
"""

import sys

try:
    from pipeline.cli import main
except KeyboardInterrupt:
    sys.stderr.write("error: interrupted while starting: nothing was read or stored\n")
    sys.exit(130)


def run() -> None:
    """The `baocao` console script."""
    main()


if __name__ == "__main__":
    main()
