#!/usr/bin/env python3
"""Build, check or serve the archive: python build.py --help."""
import sys

try:
    from archive.cli import main
except ModuleNotFoundError as missing:
    if (missing.name or "").partition(".")[0] == "archive":
        raise
    # A Python without the project's packages (not .venv's): say which command to use instead.
    command = " ".join(["build.py", *sys.argv[1:]])
    sys.exit(f"Python này thiếu gói '{missing.name}' của dự án. Chạy 'make serve' hoặc 'make test' một lần "
             f"để cài vào .venv/, rồi dùng: .venv/bin/python {command}")

if __name__ == "__main__":
    sys.exit(main())
