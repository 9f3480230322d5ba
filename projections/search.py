"""Chinese substring search (检索) that an index can answer, on SQLite and PostgreSQL.

Chinese has no spaces between words, and trigram indexes do not serve queries shorter
than three characters — yet 养老 is two.  So a text is indexed as its **character
bigrams**: every character starts one token, ``text[i:i+2]``, the last character of
each run standing alone.  For 居家养老服务 that is 居家 家养 养老 老服 服务 务.

A query of n ≥ 2 characters is the phrase of its n − 1 bigrams at consecutive positions,
which is found exactly where the text contains the query: 养老服 → "养老 老服".  A
one-character query matches every token that starts with it — every occurrence of a
character starts a token.  Both sides are normalised alike (NFKC, lower case), so
全角 ＡＢＣ finds abc, and runs of letters and digits are split at anything else:
a query of several runs (养老 服务) needs each of them.

The database's full-text engine indexes the tokens: FTS5 on SQLite, a GIN index over a
``tsvector`` on PostgreSQL (``projections.sql.Dialect`` writes each one's SQL).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_RUN = re.compile(r"[^\W_]+")


def _runs(text: str) -> list[str]:
    """The runs of letters and digits of ``text``, normalised as the index keeps them."""
    return _RUN.findall(unicodedata.normalize("NFKC", text).lower())


def search_tokens(*texts: str) -> str:
    """The tokens to index for ``texts``, space-separated: each character with the next."""
    return " ".join(run[i:i + 2] for text in texts for run in _runs(text)
                    for i in range(len(run)))


@dataclass(frozen=True)
class SearchTerm:
    """One run of a query: the bigrams that must stand in a row, or one character."""

    tokens: tuple[str, ...]
    prefix: bool
    """A one-character term: any token that starts with the character."""


def search_terms(query: str) -> tuple[SearchTerm, ...]:
    """The terms every match must contain; none when the query has no letter or digit."""
    return tuple(
        SearchTerm((run,), prefix=True) if len(run) == 1
        else SearchTerm(tuple(run[i:i + 2] for i in range(len(run) - 1)), prefix=False)
        for run in _runs(query)
    )
