"""dataward: privacy operations for a telephony call-reporting service."""

__version__ = "0.1.0"
__all__ = ["__version__"]
