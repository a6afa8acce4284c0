"""What the activities pages and API read."""
