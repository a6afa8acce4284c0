"""Decision pages, by feature: the list and the create and edit forms (:mod:`.decisions`), the decision page
(:mod:`.page`) and the steps taken on it (:mod:`.steps`), receipts, the ballot log, paper ballots and proxies
(:mod:`.ballots`), and the staff's register, simulator and cost plan (:mod:`.staff`).

Thin, as everywhere: parse → permission → service → render; the reads are :mod:`comity.decisions.selectors`'.
Every form is a plain POST that works without JavaScript and posts to the page that shows it
(``comity.foundation.steps``): a mistake comes back on its field with what was typed; a step the decision's state
no longer allows is refused with the reason and a redirect to the page, so the browser is never left on an
address that posts again on reload. Nothing is changed by either.
"""
