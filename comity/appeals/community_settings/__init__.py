"""A community's appeal settings: its calendar, reopen window and score weights, its own time limits and its reply templates."""
