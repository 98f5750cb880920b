"""python build.py import: raw news pages (text or saved HTML) turned into draft articles.

May import archive.common and archive.site.
"""
