"""Errors shared by modules that must not import each other (configuration and rules)."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration file, rule pack or baseline is unreadable or invalid (exit 2)."""
