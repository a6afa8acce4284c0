"""REST API of the privacy app: one module per feature."""
