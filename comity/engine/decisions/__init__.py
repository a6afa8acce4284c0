"""Decisions: declarative rules, multi-basis tallies, and fair cost sharing (framework-free).

See ``docs/algorithms/decision-rules.md``.
"""
