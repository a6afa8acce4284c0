from tests.cast import _fast_password_hashing, client_for, world  # noqa: F401  (fixtures)
