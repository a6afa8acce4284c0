"""Comity's engine: the mathematics and the rules, free of any web framework.

Nothing in this package imports Django (an import-linter contract in ``pyproject.toml`` and
``tests/engine/test_boundary.py`` keep it so). Its functions take plain values and return plain values, so
they can be tested without a database and reused from the CLI, notebooks and other programs.
"""
