"""What every stage shares: the editors' Vietnamese (messages, language rules), problems, YAML.

Imports only the standard library and PyYAML, never another package of the archive.
"""
