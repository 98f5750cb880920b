#!/usr/bin/env python3
"""Build, check or serve the archive: python build.py --help."""
import sys

from archive.cli import main

if __name__ == "__main__":
    sys.exit(main())
