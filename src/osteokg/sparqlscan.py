"""Does a SPARQL request make the server fetch other hosts? (``SERVICE``, and ``LOAD`` in updates)

The check is lexical and deliberately conservative: it removes every token that can carry
arbitrary text - comments, string literals, IRIs, variables, prefixed names, blank node labels
and language tags - and then looks for the keyword anywhere in what is left, even inside a
longer word. A query that the check cannot tokenise (an unterminated string, say) is searched
as a whole. SPARQL lets ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes stand for any character of the
query, so the text is checked both as sent and with those escapes decoded: ``\\u0053ERVICE``
is caught. So is a keyword hidden behind a comment marker inside a string or an IRI (``"#"``
does not start a comment) and one glued to a triple's final dot (``?o .SERVICE``).

A query is only ever refused by mistake when one of those words is part of a bare keyword
sequence, which SPARQL has none of; a variable, IRI or prefixed name spelled ``service`` is
fine (``?service``, ``ex:service``, ``<http://example.org/service>``).
"""

from __future__ import annotations

import re

#: Words that make a SPARQL server send requests elsewhere, for queries and for updates.
QUERY_FETCHERS = ("SERVICE",)
UPDATE_FETCHERS = ("SERVICE", "LOAD")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_VARIABLE = re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+")
_LINE_END = re.compile(r"[\r\n]")
_WORD = re.compile(r"\w+")
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_CHAR = r"[\w\-\u00B7\u0300-\u036F\u203F-\u2040]"
# PNAME_NS / PNAME_LN: an optional prefix (a letter first; dots only inside), a colon, and an
# optional local part (dots only inside; colons and escapes allowed).
_PNAME = re.compile(
    rf"(?:[^\W\d_](?:(?:{_PN_CHAR}|\.)*{_PN_CHAR})?)?:"
    rf"(?:(?:[\w:]|{_PLX})(?:(?:{_PN_CHAR}|[.:]|{_PLX})*(?:{_PN_CHAR}|:|{_PLX}))?)?"
)
_BNODE = re.compile(rf"_:(?:{_PN_CHAR}|\.)*")
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")


class _Untokenisable(ValueError):
    pass


def _string_end(text: str, start: int) -> int:
    """Index just past the string literal opening at ``start`` (any of the four quotings)."""
    quote = text[start]
    long_form = text.startswith(quote * 3, start)
    i = start + (3 if long_form else 1)
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if long_form:
            if text.startswith(quote * 3, i):
                end = i + 3
                while end < len(text) and text[end] == quote and end - i < 5:
                    end += 1
                return end
        elif char == quote:
            return i + 1
        elif char in "\n\r":
            break
        i += 1
    raise _Untokenisable(start)


_TOKEN_AT = {"<": _IRIREF, "?": _VARIABLE, "$": _VARIABLE, "_": _BNODE, "@": _LANGTAG}


def _skipped_token_end(text: str, i: int) -> int | None:
    """End of the comment, string, IRI, variable, blank node label, language tag or prefixed
    name that starts at ``i``, or None when none does."""
    char = text[i]
    if char == "#":
        end = _LINE_END.search(text, i)
        return len(text) if end is None else end.end()
    if char in "\"'":
        return _string_end(text, i)
    pattern = _TOKEN_AT.get(char)
    match = pattern.match(text, i) if pattern is not None else None
    if match is None and (char == ":" or char.isalpha()):
        match = _PNAME.match(text, i)
    return match.end() if match is not None else None


def residue(text: str) -> str:
    """The query with comments, strings, IRIs, variables, prefixed names, blank node labels
    and language tags each replaced by one space: the keywords, numbers and punctuation."""
    out: list[str] = []
    i = 0
    while i < len(text):
        end = _skipped_token_end(text, i)
        if end is not None:
            out.append(" ")
            i = end
        elif (word := _WORD.match(text, i)) is not None:
            out.append(word.group())
            i = word.end()
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


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
        try:
            left = residue(version)
        except _Untokenisable:
            left = version  # cannot tokenise it: search the whole text
        upper = left.upper()
        for word in words:
            if word in upper:
                return word
    return None


__all__ = ["QUERY_FETCHERS", "UPDATE_FETCHERS", "decode_escapes", "fetching_keyword", "residue"]
