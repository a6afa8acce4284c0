"""``{% fragment %}``: a part of a community page cached until the community's data changes.

Usage::

    {% load fragments %}
    {% fragment "public-appeals" community per="roles" seconds=60 page.number request.GET.status %}
        … the part …
    {% endfragment %}

``community`` is the community (or its id); ``per`` is ``"everyone"``, ``"roles"`` (the default) or ``"user"``;
``seconds`` bounds how long the part stays cached (60 by default); the other values are what the part varies on.
Everything the part shows must come through ``community``'s audited writes, the values varied on, or the viewer
(``comity/structure/fragments.py`` says what the key holds). Context values the part alone uses should be lazy
(``SimpleLazyObject``), so that a cached part costs no queries.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token

from comity.structure.fragments import DEFAULT_SECONDS, Per, cached_fragment

register = template.Library()


class FragmentNode(template.Node):
    def __init__(
        self,
        nodelist: NodeList,
        name: FilterExpression,
        community: FilterExpression,
        options: dict[str, FilterExpression],
        vary: list[FilterExpression],
    ) -> None:
        self.nodelist = nodelist
        self.name = name
        self.community = community
        self.options = options
        self.vary = vary

    def render(self, context: Any) -> str:
        request = context.get("request")
        community = self.community.resolve(context)
        if request is None or community is None or community == "":
            return self.nodelist.render(context)
        per: Per = self.options["per"].resolve(context) if "per" in self.options else "roles"
        if per not in ("everyone", "roles", "user"):
            raise template.TemplateSyntaxError(
                f'{{% fragment %}}: per must be "everyone", "roles" or "user", not {per!r}'
            )
        seconds = (
            int(self.options["seconds"].resolve(context)) if "seconds" in self.options else DEFAULT_SECONDS
        )

        def render(token: str) -> str:
            with context.push(csrf_token=token):
                return str(self.nodelist.render(context))

        return cached_fragment(
            request,
            community,
            str(self.name.resolve(context)),
            *(value.resolve(context) for value in self.vary),
            render=render,
            per=per,
            seconds=seconds,
        )


@register.tag("fragment")
def do_fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            '{% fragment %} needs a name and a community: {% fragment "name" community %}'
        )
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    options: dict[str, FilterExpression] = {}
    vary: list[FilterExpression] = []
    for bit in bits[3:]:
        key, sep, value = bit.partition("=")
        if sep and key in ("per", "seconds"):
            options[key] = parser.compile_filter(value)
        else:
            vary.append(parser.compile_filter(bit))
    return FragmentNode(
        nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]), options, vary
    )
