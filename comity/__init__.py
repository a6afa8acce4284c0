"""Comity: urban community governance built on interest coordination."""

__version__ = "0.1.0"
