"""The build: pages, results, the search index and the form drawn from the site model, then written.

May import archive.common and archive.site.
"""
