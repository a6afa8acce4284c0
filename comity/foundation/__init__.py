"""What every app shares, above the engine and below the registry: service declaration and the permission check
(``services.py``), the audit call (``audit.py``), repeat protection for forms (``idempotency.py``), steps posted to
the page that shows them (``steps.py``), the REST API's errors, paging and schema (``api.py``, ``api_schema.py``),
admin and form bases (``admin.py``, ``forms.py``) and uploaded photos (``photos.py``).

It knows no app: it may import the engine, Django and the libraries, never ``comity.<app>``
(``pyproject.toml``'s layers contract).
"""
