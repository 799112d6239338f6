"""Language plugins: one sub-package per language (grammar, queries/*.scm, resolver).

Adding a language is adding a folder: see ``registry.py`` and docs/languages.md.
"""
