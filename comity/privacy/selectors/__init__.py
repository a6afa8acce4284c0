"""Reads of the privacy app: one module per feature (``notice``, ``consent``, ``requests``, ``access``,
``retention``, ``copy``); views and the API import from the module."""
