"""archscan: automated architecture assessment of a software repository."""

__version__ = "0.1.0"
