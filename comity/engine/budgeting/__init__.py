"""Participatory budgeting: pabulib files, allocation rules (greedy, Method of Equal Shares with Add1, sequential
Phragmén) with exact arithmetic and explanations. Framework-free, like the rest of the engine."""
