"""Data ownership: which files declare, read and write which tables (docs/data-access.md)."""
