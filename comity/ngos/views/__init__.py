"""Pages of the ngos app: the register (``registry``), filings (``filing``), incubation and grades (``support``)."""
