"""The bounds every way in (forms, the API, the services, file imports) holds budgets, costs and ballots to."""

from __future__ import annotations

from comity.engine.money import whole_yuan_to_fen

#: The largest budget, cost, cap or ledger amount accepted anywhere (forms, API, import), in yuan: a thousand times
#: a large city district's yearly participatory budget, and still far inside the database's integer columns.
MAX_YUAN = 1_000_000_000
#: The most a budget or a cost may be: 1 billion yuan, in fen.
MAX_FEN = 100_000_000_000
assert whole_yuan_to_fen(MAX_YUAN) == MAX_FEN
#: The most projects a ballot may be limited to, and the most points a cumulative ballot may share out.
MAX_CHOICES = 100
MAX_POINTS = 1000
#: The most residents a fund's formula may count.
MAX_RESIDENTS = 10_000_000
