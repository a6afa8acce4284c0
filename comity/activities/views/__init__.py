"""The activities pages."""
