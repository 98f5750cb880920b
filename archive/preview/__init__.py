"""The live preview: output/ served with reload on every edit, the problems panel, the form's backend.

May import archive.common, archive.site and archive.make.
"""
