"""Git history mining: code-maat compatible analyses and archscan's native metrics."""
