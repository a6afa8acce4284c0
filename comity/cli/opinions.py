"""``comity opinions analyze PATH``: Pol.is-grade opinion mapping of a conversation on disk.

PATH is a directory with ``votes.json`` and ``comments.json`` (the Pol.is API format) or ``votes.csv`` and
``comments.csv`` (the Pol.is open-data export). ``--format polis`` writes JSON in the structure of the
server's ``math-pca2.json``; ``--format json`` writes Comity's report; the default prints a summary in the
chosen language. Only the summary needs Django (for its translations); the JSON formats use the engine alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any

from comity.engine.opinions import (
    Analysis,
    PolisConversation,
    PolisFormatError,
    analyze,
    group_label,
    read_conversation,
)


def add_parser(sub: Any) -> None:
    opinions = sub.add_parser("opinions", help="opinion mapping of Pol.is conversations")
    opinions_sub = opinions.add_subparsers(dest="opinions_command", metavar="ACTION", required=True)
    run = opinions_sub.add_parser(
        "analyze",
        help="analyse a conversation (Pol.is API JSON or open-data CSV) and print or write the result",
    )
    run.add_argument("path", help="directory with votes.json + comments.json, or votes.csv + comments.csv")
    run.add_argument(
        "--format",
        default="text",
        choices=["text", "polis", "json"],
        help="text summary (default), Pol.is math-pca2.json structure, or Comity's report as JSON",
    )
    run.add_argument("--k", type=int, help="fix the number of opinion groups (2–9) instead of choosing it")
    run.add_argument(
        "--vote-sign",
        default="auto",
        choices=["auto", "agree-positive", "agree-negative"],
        help="coding of votes.json: auto-detect (default), agree = +1 (saved files), agree = -1 (live API)",
    )
    run.add_argument("--language", default="en", choices=["en", "zh-hans"], help="language of the summary")
    run.add_argument("-o", "--output", help="file to write (default: standard output)")
    run.set_defaults(handler=analyze_command)


def analyze_command(args: argparse.Namespace) -> int:
    if args.k is not None and not 1 <= args.k <= 9:
        print("--k must be between 1 and 9", file=sys.stderr)
        return 2
    try:
        parsed = read_conversation(args.path, vote_sign=args.vote_sign)
    except PolisFormatError as error:
        print(f"Cannot read the conversation: {error}", file=sys.stderr)
        return 1
    analysis = analyze(parsed.conversation, k=args.k)
    if args.format == "polis":
        text = json.dumps(analysis.to_polis(), ensure_ascii=False)
    elif args.format == "json":
        text = json.dumps(analysis.report(), ensure_ascii=False, indent=1)
    else:
        text = summary(parsed, analysis, args.language)
    if args.output in (None, "-"):
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0


def summary(parsed: PolisConversation, analysis: Analysis, language: str) -> str:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    import django

    django.setup()
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override(language):
        report = analysis.report()
        texts = {s.id: s.text for s in parsed.statements.values()}

        def line(statement: int, detail: str) -> str:
            text = " ".join(texts.get(statement, "").split())
            short = textwrap.shorten(text, width=90, placeholder=" …") if text else _("(no text)")
            return f"    #{statement:<5} {detail:<22} {short}"

        out: list[str] = []
        if parsed.topic:
            out.append(parsed.topic)
        out.append(
            _(
                "%(participants)d participants (%(in_conv)d in the map), %(statements)d statements, %(votes)d votes"
            )
            % {
                "participants": report["n_participants"],
                "in_conv": report["n_in_conversation"],
                "statements": report["n_statements"],
                "votes": report["n_votes"],
            }
        )
        chosen = _("fixed") if report["k_forced"] else _("chosen by silhouette")
        out.append(_("%(k)d opinion groups (%(how)s)") % {"k": report["k"], "how": chosen})
        for group in report["groups"]:
            out.append("")
            out.append(
                _("Group %(label)s — %(size)d participants; what sets it apart:")
                % {"label": group_label(group["id"]), "size": group["size"]}
            )
            for entry in group["representative"]:
                word = _("agree") if entry["direction"] == "agree" else _("disagree")
                out.append(line(entry["statement"], f"{round(100 * entry['probability'])}% {word}"))
        out.append("")
        out.append(_("Consensus — most participants agree:"))
        for entry in report["consensus"]["agree"] or []:
            out.append(line(entry["statement"], f"{round(100 * entry['probability'])}%"))
        if not report["consensus"]["agree"]:
            out.append("    " + _("none yet"))
        out.append(_("Consensus — most participants disagree:"))
        for entry in report["consensus"]["disagree"] or []:
            out.append(line(entry["statement"], f"{round(100 * entry['probability'])}%"))
        if not report["consensus"]["disagree"]:
            out.append("    " + _("none yet"))
        out.append("")
        out.append(_("Every group agrees (group-aware consensus):"))
        for entry in report["group_aware_consensus"][:5]:
            out.append(line(entry["statement"], f"{entry['agree']:.3f}"))
        out.append(_("Bridging — support from both sides of the main divide:"))
        for entry in report["bridging"][:5]:
            out.append(line(entry["statement"], f"{entry['score']:+.3f}"))
        flagged = [e for e in report["bridging"] if e["flagged"]]
        if flagged:
            out.append(_("For moderators — bridging and group-aware consensus disagree on:"))
            for entry in flagged:
                out.append(
                    line(
                        entry["statement"],
                        _("ranks %(bridging)d%% / %(gac)d%%")
                        % {
                            "bridging": round(100 * entry["bridging_rank"]),
                            "gac": round(100 * entry["gac_rank"]),
                        },
                    )
                )
        if report["divisive"]:
            out.append(_("Divisive — the groups differ most:"))
            for entry in report["divisive"][:5]:
                shares = " / ".join(f"{round(100 * p)}%" for p in entry["group_agree"])
                out.append(line(entry["statement"], shares))
        return "\n".join(out) + "\n"
