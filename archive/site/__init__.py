"""The site as read from disk: site_config.yaml, the articles, their checks and the site model.

May import archive.common only.
"""
