"""Appeal rates: the dashboards of a community and of a street, their figures, periods, charts, exports and cache."""
