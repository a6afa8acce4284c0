"""A consultation's report: the page built from the last opinion map (:mod:`.page`), the map drawn as SVG
(:mod:`.map`), participation against the registry (:mod:`.participation`), and its page and form (:mod:`.views`,
:mod:`.forms`)."""
