#!/usr/bin/env python3
"""Build, check or serve the archive: python build.py --help."""
import sys

try:
    from archive.cli import main
except ModuleNotFoundError as missing:
    if (missing.name or "").partition(".")[0] == "archive":
        raise
    # A Python without the project's packages (not .venv's): say which command to use instead.
    from archive.common.messages import say  # (needs no package)

    sys.exit(say("cli.missing_package", package=missing.name, command=" ".join(["build.py", *sys.argv[1:]])))

if __name__ == "__main__":
    sys.exit(main())
