"""Static site generator for the archive of cooperative-alliance conferences.

Its packages are the build's stages, each importing only those above it in this list:
common (language, messages, problems) -> site (config, articles, the site model) ->
make (pages, results, search, output) -> preview (the live preview and the form's backend)
and importer (news pages to drafts, beside make); cli.py, the command line, uses them all.
"""
