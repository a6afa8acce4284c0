"""Read and write pabulib ``.pb`` files (http://pabulib.org/format), strictly, with pabutools as the oracle.

A file has three sections, each introduced by a line holding only its name and followed by a header row:

* ``META`` (header ``key;value``): ``key;value`` lines. ``budget`` and ``vote_type`` become
  :attr:`Election.budget` and :attr:`Election.vote_type`; every other key stays in :attr:`Election.meta`.
* ``PROJECTS``: ``project_id`` and ``cost`` are required, ``name`` goes to :attr:`Project.name`, every other
  column (``votes``, ``category``, ``selected``, …) to :attr:`Project.meta`.
* ``VOTES``: ``voter_id`` and ``vote`` (comma-separated project ids) are required, ``points`` too for
  ``cumulative`` and ``scoring``; other columns (``age``, ``sex``, …) go to :attr:`Ballot.meta`.

Cells are ``;``-separated and read with Python's :mod:`csv` module (``"`` quotes), as pabutools reads them, and
stripped. Blank lines are skipped. Like pabutools, a cell reading ``None`` (any case) means "no value": the column
is left out of that row's ``meta``; :func:`write_pabulib` writes ``None`` where a row lacks a column others have.

Numbers (decisions documented here, checked against :func:`pabutools.fractions.str_as_frac`, i.e. gmpy2 ``mpq``):

* Budget and costs: pabutools replaces ``,`` by ``.`` and reads the rest as an exact rational, so it accepts
  ``1000000.0``, ``1000000,0``, ``1 000 000``, ``1_000_000`` and ``1e6`` — and so do we (hence ``1,000`` means
  one, exactly as for pabutools). pabutools does not round a fractional amount such as ``740793.05`` (Warsaw's
  files before 2020 state złoty with grosze): it keeps the exact rational. Neither do we: every amount is scaled by
  the least power of ten that makes them all whole (:attr:`Election.unit`, e.g. 100 for grosze), so the rules
  compute on exact integers and decide exactly as pabutools does. Deviations: negative costs are refused
  (pabutools accepts them), and so are amounts with more than :data:`MAX_DECIMALS` decimals or above
  :data:`MAX_AMOUNT` (pabutools reads any); a caller that stores money in fen passes ``max_decimals=2`` and gets
  a line-numbered refusal of anything finer.
* Points: pabutools reads them exactly (without the ``,`` replacement); we accept the same integral spellings,
  refuse fractional points, and allow negative points (``scoring`` may use them).

Other choices: ``choose-1`` ballots are read like approval ballots (into :attr:`Ballot.approved`) but the vote
type stays ``CHOOSE_1``. An empty (or ``None``) ``vote`` cell is an empty ballot. Empty items in an approval or
ordinal vote list (``1,2,``) are skipped as pabutools skips them; a project named twice in one vote is an error
(pabutools would merge it silently). As with pabutools' ``csv`` reading, a cell that opens a ``"`` quote it never
closes runs on over the following lines (the error, if any, then comes later). Line numbers are 1-based and count ``\\n``, ``\\r\\n`` and ``\\r`` line ends.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from fractions import Fraction

from comity.engine.budgeting.model import Ballot, Election, Project, VoteType, money_text

__all__ = ["MAX_AMOUNT", "MAX_DECIMALS", "PabulibError", "read_pabulib", "write_pabulib"]

#: The most decimals an amount may have (a millionth of the currency), and the largest amount (in currency units).
MAX_DECIMALS = 6
MAX_AMOUNT = 10**15

_SECTIONS = ("meta", "projects", "votes")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_SECTION_LIKE = re.compile(r"[A-Z][A-Z_ ]*")
_CARDINAL = (VoteType.CUMULATIVE, VoteType.SCORING)


class PabulibError(ValueError):
    """A problem in a pabulib file; ``line`` is 1-based and the message names the file and the line.

    Problems with an amount also carry a ``code`` (``"decimals"``, ``"too_large"``, ``"not_positive"``) and
    ``params`` (``field``: ``"budget"`` or ``"cost"``, ``project``, ``text`` as written, ``decimals``), so that an
    application can word them in its reader's language."""

    def __init__(
        self, message: str, line: int, code: str = "", params: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.line = line
        self.code = code
        self.params = dict(params or {})


def _number(text: str) -> Fraction | None:
    """The exact value of a pabulib number as pabutools' ``str_as_frac`` reads it, or ``None`` if it is not one."""
    compact = text.replace(" ", "").replace("_", "")
    if not _NUMBER.fullmatch(compact):
        return None
    return Fraction(compact)


def decimals_of(value: Fraction) -> int | None:
    """How many decimals ``value`` needs (``Fraction("740793.05")`` needs 2), or None if no finite number does."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    return max(twos, fives) if den == 1 else None


def _is_none(cell: str) -> bool:
    return cell.lower() == "none"


class _Reader:
    def __init__(self, name: str, max_decimals: int, max_amount: int, positive: bool) -> None:
        self.label = name or "<pabulib>"
        self.line = 0
        self.max_decimals = max_decimals
        self.max_amount = max_amount
        self.positive = positive

    def error(
        self,
        message: str,
        line: int | None = None,
        code: str = "",
        params: Mapping[str, object] | None = None,
    ) -> PabulibError:
        where = self.line if line is None else line
        return PabulibError(f"{self.label}, line {where}: {message}", where, code, params)

    def money(self, text: str, project: str | None = None) -> Fraction:
        """The exact amount of a budget (``project`` None) or a project's cost."""
        what = "budget" if project is None else f"project {project} cost"
        value = _number(text.replace(",", "."))
        if value is None:
            raise self.error(f"{what} {text!r} is not a number")
        if value < 0:
            raise self.error(f"{what} {text!r} is negative")
        params = {"field": "budget" if project is None else "cost", "project": project, "text": text}
        if value > self.max_amount:
            raise self.error(
                f"{what} {text!r} is more than {self.max_amount:.0e}", code="too_large", params=params
            )
        if value == 0 and self.positive:
            raise self.error(f"{what} {text!r} is not more than zero", code="not_positive", params=params)
        decimals = decimals_of(value)
        assert decimals is not None  # a decimal numeral always has a finite expansion
        if decimals > self.max_decimals:
            allowed = "no decimals" if self.max_decimals == 0 else f"at most {self.max_decimals} decimals"
            raise self.error(
                f"{what} {text!r} has {decimals} decimals; {allowed} are accepted",
                code="decimals",
                params={**params, "decimals": decimals},
            )
        return value

    def points(self, text: str, project: str) -> int:
        value = _number(text)
        if value is None:
            raise self.error(f"points {text!r} for project {project} is not a number")
        if value.denominator != 1:
            raise self.error(f"points {text!r} for project {project} are not a whole number")
        return int(value)


def read_pabulib(
    text: str,
    name: str = "",
    *,
    max_decimals: int = MAX_DECIMALS,
    max_amount: int = MAX_AMOUNT,
    positive: bool = False,
) -> Election:
    """Parse the text of a pabulib file; ``name`` (e.g. the file name) is used in error messages. Amounts may have
    up to ``max_decimals`` decimals and be at most ``max_amount`` currency units (and, with ``positive``, must be
    more than zero); they come back scaled to integers (:attr:`Election.unit`).

    Raises :class:`PabulibError` on the first problem found.
    """
    r = _Reader(name, min(max_decimals, MAX_DECIMALS), min(max_amount, MAX_AMOUNT), positive)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise r.error("the file is empty", 1)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=";")

    seen: set[str] = set()
    section = ""
    header: list[str] = []
    header_line = 0
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    budget: Fraction | None = None
    vote_type: VoteType | None = None
    projects: list[tuple[Project, Fraction]] = []
    project_ids: set[str] = set()
    ballots: list[Ballot] = []
    voters: set[str] = set()
    pending_header = False

    while True:
        try:
            raw = next(rows)
        except StopIteration:
            break
        except csv.Error as error:  # e.g. a NUL byte
            raise r.error(f"unreadable line ({error})", rows.line_num) from None
        r.line = rows.line_num
        cells = [c.strip() for c in raw]
        if not cells or (len(cells) == 1 and not cells[0]):
            continue
        if len(cells) == 1 and cells[0].lower() in _SECTIONS:
            if pending_header:
                raise r.error(f"section {section.upper()} has no header row")
            new = cells[0].lower()
            if new in seen:
                raise r.error(f"section {new.upper()} appears twice")
            if new == "projects" and "meta" not in seen:
                raise r.error("section PROJECTS before META")
            if new == "votes" and "projects" not in seen:
                raise r.error("section VOTES before PROJECTS")
            if new == "projects":
                budget, vote_type = _finish_meta(r, meta, meta_lines)
            seen.add(new)
            section = new
            pending_header = True
            continue
        if len(cells) == 1 and _SECTION_LIKE.fullmatch(cells[0]):
            raise r.error(f"unknown section {cells[0]!r} (expected META, PROJECTS or VOTES)")
        if not section:
            raise r.error("data before the first section (META)")
        if pending_header:
            header, header_line = cells, r.line
            pending_header = False
            _check_header(r, section, header, vote_type)
            continue
        if section == "meta":
            if len(cells) != 2:
                raise r.error(f"a META line must be key;value, found {len(cells)} cells")
            key, value = cells
            if not key:
                raise r.error("META line without a key")
            if key in meta_lines:
                raise r.error(f"META key {key!r} repeated (first on line {meta_lines[key]})")
            meta[key], meta_lines[key] = value, r.line
            continue
        if len(cells) != len(header):
            raise r.error(
                f"{len(cells)} columns but the {section.upper()} header (line {header_line}) has {len(header)}"
            )
        row = {h: c for h, c in zip(header, cells, strict=True) if not _is_none(c)}
        if section == "projects":
            projects.append(_project(r, row, project_ids))
        else:
            assert vote_type is not None
            ballots.append(_ballot(r, row, vote_type, project_ids, voters))

    r.line = max(r.line, 1)
    if pending_header:
        raise r.error(f"section {section.upper()} has no header row")
    for needed in _SECTIONS:
        if needed not in seen:
            raise r.error(f"the file has no {needed.upper()} section")
    assert budget is not None
    assert vote_type is not None
    amounts = [budget, *(cost for _, cost in projects)]
    unit = 10 ** max(decimals_of(a) or 0 for a in amounts)
    return Election(
        budget=int(budget * unit),
        projects=tuple(replace(p, cost=int(cost * unit)) for p, cost in projects),
        ballots=tuple(ballots),
        vote_type=vote_type,
        meta=meta,
        unit=unit,
    )


def _finish_meta(r: _Reader, meta: dict[str, str], lines: dict[str, int]) -> tuple[Fraction, VoteType]:
    if "budget" not in meta or _is_none(meta["budget"]):
        raise r.error("META has no budget")
    if "vote_type" not in meta or _is_none(meta["vote_type"]):
        raise r.error("META has no vote_type")
    r_line = r.line
    r.line = lines["budget"]
    budget = r.money(meta.pop("budget"))
    r.line = lines["vote_type"]
    raw_type = meta.pop("vote_type")
    try:
        vote_type = VoteType(raw_type.lower())
    except ValueError:
        known = ", ".join(t.value for t in VoteType)
        raise r.error(f"unknown vote_type {raw_type!r} (expected one of {known})") from None
    r.line = r_line
    return budget, vote_type


def _check_header(r: _Reader, section: str, header: list[str], vote_type: VoteType | None) -> None:
    if len(set(header)) != len(header):
        raise r.error(f"the {section.upper()} header repeats a column")
    if section == "meta":
        if [h.lower() for h in header] != ["key", "value"]:
            raise r.error("the META header must be key;value")
        return
    required = ["project_id", "cost"] if section == "projects" else ["voter_id", "vote"]
    if section == "votes" and vote_type in _CARDINAL:
        required.append("points")
    for column in required:
        if column not in header:
            raise r.error(f"the {section.upper()} header has no {column} column")


def _project(r: _Reader, row: dict[str, str], ids: set[str]) -> tuple[Project, Fraction]:
    project_id = row.pop("project_id", "")
    if not project_id:
        raise r.error("project without a project_id")
    if "," in project_id:
        raise r.error(f"project id {project_id!r} contains a comma")
    if project_id in ids:
        raise r.error(f"duplicate project id {project_id}")
    cost = row.pop("cost", "")
    if not cost:
        raise r.error(f"project {project_id} has no cost")
    ids.add(project_id)
    exact = r.money(cost, project_id)
    return Project(id=project_id, cost=0, name=row.pop("name", ""), meta=row), exact


def _ballot(r: _Reader, row: dict[str, str], vote_type: VoteType, ids: set[str], voters: set[str]) -> Ballot:
    voter = row.pop("voter_id", "")
    if not voter:
        raise r.error("vote without a voter_id")
    if voter in voters:
        raise r.error(f"duplicate voter id {voter}")
    voters.add(voter)
    vote = row.pop("vote", "")
    points_cell = row.pop("points", "") if vote_type in _CARDINAL else None
    items = [p.strip() for p in vote.split(",")] if vote else []
    if vote_type in _CARDINAL:
        points_items = [p.strip() for p in points_cell.split(",")] if points_cell else []
        if len(points_items) != len(items):
            raise r.error(f"voter {voter}: {len(items)} projects in vote but {len(points_items)} in points")
    else:
        items = [p for p in items if p]
    for project in items:
        if project not in ids:
            raise r.error(f"voter {voter} votes for unknown project {project!r}")
    if len(set(items)) != len(items):
        raise r.error(f"voter {voter} names a project twice")
    if vote_type in (VoteType.APPROVAL, VoteType.CHOOSE_1):
        return Ballot(voter=voter, approved=frozenset(items), meta=row)
    if vote_type == VoteType.ORDINAL:
        return Ballot(voter=voter, ranking=tuple(items), meta=row)
    return Ballot(
        voter=voter, points={p: r.points(v, p) for p, v in zip(items, points_items, strict=True)}, meta=row
    )


def _cell(value: object, what: str) -> str:
    text = str(value)
    if text != text.strip() or _is_none(text) or "\n" in text or "\r" in text:
        raise ValueError(f"{what} {text!r} cannot be written to a pabulib file")
    return text


def _union(keys: Iterable[Mapping[str, str]]) -> list[str]:
    return list(dict.fromkeys(k for m in keys for k in m))


def write_pabulib(election: Election) -> str:
    """The pabulib text of ``election``; ``read_pabulib(write_pabulib(e)) == e``, and pabutools parses it.

    Amounts are written in currency units with the decimals of :attr:`Election.unit` (``740793.05``; ``unit`` must
    be a power of ten). Columns a row lacks are written ``None``. Raises ``ValueError`` for what the format cannot carry: an id that
    is empty or contains a comma, a value with leading/trailing whitespace or a line break, a value reading
    ``None``, META ``budget``/``vote_type`` keys (they are fields of :class:`Election`), or duplicate ids.
    """
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    cardinal = election.vote_type in _CARDINAL

    if "budget" in election.meta or "vote_type" in election.meta:
        raise ValueError("budget and vote_type belong to Election's fields, not to its meta")
    w.writerow(["META"])
    w.writerow(["key", "value"])
    typed = [["budget", money_text(election.budget, election.unit)], ["vote_type", election.vote_type.value]]
    for key, value in election.meta.items():
        w.writerow([_cell(key, "META key"), _cell(value, f"META {key}")])
        if key == "num_votes":
            w.writerows(typed)
            typed = []
    w.writerows(typed)

    w.writerow(["PROJECTS"])
    extra = [k for k in _union(p.meta for p in election.projects) if k not in ("project_id", "cost", "name")]
    named = any(p.name for p in election.projects)
    w.writerow(["project_id", "cost", *(["name"] if named else []), *extra])
    ids: set[str] = set()
    for p in election.projects:
        pid = _cell(p.id, "project id")
        if not pid or "," in pid or pid in ids:
            raise ValueError(f"project id {pid!r} is empty, contains a comma or is repeated")
        ids.add(pid)
        name = [_cell(p.name, f"project {pid} name") if p.name else "None"] if named else []
        cols = [_cell(p.meta[k], f"project {pid} {k}") if k in p.meta else "None" for k in extra]
        w.writerow([pid, money_text(p.cost, election.unit), *name, *cols])

    w.writerow(["VOTES"])
    reserved = ("voter_id", "vote", "points") if cardinal else ("voter_id", "vote")
    extra = [k for k in _union(b.meta for b in election.ballots) if k not in reserved]
    w.writerow(["voter_id", "vote", *(["points"] if cardinal else []), *extra])
    voters: set[str] = set()
    for b in election.ballots:
        voter = _cell(b.voter, "voter id")
        if not voter or voter in voters:
            raise ValueError(f"voter id {voter!r} is empty or repeated")
        voters.add(voter)
        if cardinal:
            vote = ",".join(b.points) if b.points else "None"
            points = [",".join(str(v) for v in b.points.values()) if b.points else "None"]
        else:
            vote = (
                ",".join(b.ranking)
                if election.vote_type == VoteType.ORDINAL
                else ",".join(sorted(b.approved))
            )
            points = []
        cols = [_cell(b.meta[k], f"voter {voter} {k}") if k in b.meta else "None" for k in extra]
        w.writerow([voter, vote, *points, *cols])
    return out.getvalue()
