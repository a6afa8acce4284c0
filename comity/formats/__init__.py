"""One date format per language, used by every page (settings' ``FORMAT_MODULE_PATH``).

Templates name a format (``|date:"SHORT_DATETIME_FORMAT"``) instead of spelling one, so that English pages read
"7 Dec 2026, 14:05" and Chinese pages "2026年12月7日 14:05" everywhere.
"""
