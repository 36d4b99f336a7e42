"""Does a SPARQL request make the server fetch other hosts? (``SERVICE``, and ``LOAD`` in updates)

The check is lexical and deliberately conservative: it removes every token that can carry
arbitrary text - comments, string literals, IRIs, variables, prefixed names, blank node labels
and language tags, as SPARQL 1.1's grammar defines them - and then looks for the keyword
anywhere in what is left, even inside a longer word. SPARQL lets ``\\uXXXX`` and
``\\UXXXXXXXX`` escapes stand for any character of the query, so the text is checked both as
sent and with those escapes decoded: ``\\u0053ERVICE`` is caught. So is a keyword hidden
behind a comment marker inside a string or an IRI (``"#"`` does not start a comment), after a
comment ended by a lone CR, and one glued to a triple's final dot (``?o .SERVICE``). A quote
that starts no complete string is left in place and what follows it is read as query text, so
an unterminated string hides nothing.

A query is only ever refused by mistake when one of those words is part of a bare word, which
SPARQL has none of besides its keywords; a variable, IRI or prefixed name spelled ``service``
is fine (``?service``, ``ex:service``, ``<http://example.org/service>``).
"""

from __future__ import annotations

import re

#: Words that make a SPARQL server send requests elsewhere, for queries and for updates.
QUERY_FETCHERS = ("SERVICE",)
UPDATE_FETCHERS = ("SERVICE", "LOAD")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_CHAR = r"[\w\-\u00B7\u0300-\u036F\u203F-\u2040]"
#: Every token that can carry arbitrary text (SPARQL 1.1, section 19.8), longest forms first.
_SKIPPED = re.compile(
    "|".join(
        [
            r"\#[^\r\n]*",  # a comment, to the end of the line (LF or CR)
            r'"""(?:"{0,2}(?:[^"\\]|\\[\s\S]))*"""',  # STRING_LITERAL_LONG2
            r"'''(?:'{0,2}(?:[^'\\]|\\[\s\S]))*'''",  # STRING_LITERAL_LONG1
            r'"(?:[^"\\\r\n]|\\.)*"',  # STRING_LITERAL2
            r"'(?:[^'\\\r\n]|\\.)*'",  # STRING_LITERAL1
            r'<[^<>"{}|^`\\\x00-\x20]*>',  # IRIREF
            r"[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+",  # VAR1, VAR2
            rf"_:(?:{_PN_CHAR}|\.)*",  # BLANK_NODE_LABEL
            r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*",  # LANGTAG
            # PNAME_NS / PNAME_LN: an optional prefix (a letter first; dots only inside), a
            # colon, and an optional local part (dots only inside; colons and escapes allowed)
            (
                rf"(?:[^\W\d_](?:(?:{_PN_CHAR}|\.)*{_PN_CHAR})?)?:"
                rf"(?:(?:[\w:]|{_PLX})(?:(?:{_PN_CHAR}|[.:]|{_PLX})*(?:{_PN_CHAR}|:|{_PLX}))?)?"
            ),
        ]
    )
)


def residue(text: str) -> str:
    """The query with comments, strings, IRIs, variables, prefixed names, blank node labels
    and language tags each replaced by one space: the keywords, numbers and punctuation."""
    return _SKIPPED.sub(" ", text)


def decode_escapes(text: str) -> str:
    """The text with SPARQL's ``\\uXXXX``/``\\UXXXXXXXX`` escapes replaced by their character."""

    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _ESCAPE.sub(char, text)


def fetching_keyword(text: str, *, update: bool = False) -> str | None:
    """The first keyword that makes a server fetch another host (``SERVICE``; also ``LOAD``
    when ``update``) in a query or update, or None when it has none."""
    words = UPDATE_FETCHERS if update else QUERY_FETCHERS
    for version in dict.fromkeys((text, decode_escapes(text))):
        upper = residue(version).upper()
        for word in words:
            if word in upper:
                return word
    return None


__all__ = ["QUERY_FETCHERS", "UPDATE_FETCHERS", "decode_escapes", "fetching_keyword", "residue"]
