from tests.cast import _empty_cache, _english_by_default, _fast_password_hashing, client_for, world  # noqa: F401  (fixtures)
