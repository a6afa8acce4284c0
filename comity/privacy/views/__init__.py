"""The privacy pages: the notice, a resident's own data, and the committee's side."""
