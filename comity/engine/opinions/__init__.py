"""Opinion mapping for consultations: Pol.is's mathematics, bridging scores and Pol.is file formats.

Start with :class:`Conversation` (the votes) and :func:`analyze`; ``docs/algorithms/opinion-mapping.md``
explains each step and where Comity deliberately differs from the Pol.is server.
"""

from comity.engine.opinions.analysis import (
    Analysis,
    AnalysisState,
    analyze,
    choose_next_statement,
    group_label,
)
from comity.engine.opinions.polis_format import (
    PolisConversation,
    PolisFormatError,
    PolisStatement,
    read_conversation,
)
from comity.engine.opinions.votes import AGREE, DISAGREE, PASS, Conversation, VoteError, in_conversation

__all__ = [
    "AGREE",
    "DISAGREE",
    "PASS",
    "Analysis",
    "AnalysisState",
    "Conversation",
    "PolisConversation",
    "PolisFormatError",
    "PolisStatement",
    "VoteError",
    "analyze",
    "choose_next_statement",
    "group_label",
    "in_conversation",
    "read_conversation",
]
