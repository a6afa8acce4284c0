from tests.cast import _english_by_default, _fast_password_hashing, client_for, world  # noqa: F401  (fixtures)
