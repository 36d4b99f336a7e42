"""Talking to SPARQL servers: run a query remotely, bind parameters safely, publish a release.

Rows use one store-neutral shape, shared with the embedded (local) query runner so that the
results of the same query, run embedded and on a server, can be compared with ``==``:

* ``run_remote`` returns ``(variables, rows)``; ``variables`` is a list of names without ``?``,
  ``rows`` a list of tuples in the order of ``variables``.
* each value is ``None`` (unbound) or ``(kind, value, datatype_or_lang)`` with ``kind`` one of
  ``"uri"``, ``"literal"``, ``"bnode"``; ``datatype_or_lang`` is ``"@zh"`` for a language-tagged
  literal (tag lower-cased), the datatype IRI for a typed literal, and ``None`` for IRIs, blank
  nodes and plain ``xsd:string`` literals.
* ASK gives ``(["result"], [(("literal", "true" or "false", xsd:boolean),)])``.
* CONSTRUCT and DESCRIBE give ``(["subject", "predicate", "object"], rows)``, one row a triple,
  sorted by (kind, value) of subject, predicate, object, as the embedded runner sorts them.

Blank node labels are whatever the server chose, so only compare them within one result.
"""

from __future__ import annotations

import base64
import http.client
import json
import math
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from .constants import GRAPHS
from .errors import DataFileError, EndpointError, QueryError

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: One value of a result row: ``(kind, value, datatype_or_lang)``, or ``None`` when unbound.
Term = tuple[str, str, str | None] | None
Row = tuple[Term, ...]

#: Environment variables holding the credentials ``publish`` uses when none are given.
USER_ENV = "OSTEOKG_ENDPOINT_USER"
PASSWORD_ENV = "OSTEOKG_ENDPOINT_PASSWORD"

PUBLISH_KINDS = ("oxigraph", "virtuoso", "gsp")

_USER_AGENT = "osteokg (SPARQL client)"
_SNIPPET = 300


# --------------------------------------------------------------------------------------------
# Terms: to the neutral shape, and to SPARQL syntax
# --------------------------------------------------------------------------------------------


def make_literal(value: str, datatype: str | None = None, lang: str | None = None) -> Term:
    """A literal in the neutral shape (``xsd:string`` folds to ``None``; tags are lower-cased)."""
    if lang:
        return ("literal", value, "@" + lang.lower())
    if datatype in (None, "", XSD_STRING):
        return ("literal", value, None)
    return ("literal", value, datatype)


def term_from_json(binding: Mapping[str, Any] | None) -> Term:
    """One value of a SPARQL 1.1 JSON results binding (also Virtuoso's ``typed-literal``)."""
    if binding is None:
        return None
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return ("uri", value, None)
    if kind == "bnode":
        return ("bnode", value, None)
    if kind in ("literal", "typed-literal"):
        lang = binding.get("xml:lang") or binding.get("lang")
        return make_literal(value, binding.get("datatype"), lang)
    raise EndpointError(f"the endpoint sent a result value of unknown type {kind!r}: {binding!r}")


def term_from_pyoxigraph(term: Any) -> Term:
    """A pyoxigraph ``NamedNode``/``BlankNode``/``Literal`` (or ``None``) in the neutral shape."""
    if term is None:
        return None
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return ("uri", term.value, None)
    if isinstance(term, pyoxigraph.BlankNode):
        return ("bnode", term.value, None)
    if isinstance(term, pyoxigraph.Literal):
        return make_literal(term.value, term.datatype.value, term.language)
    raise TypeError(f"not an RDF term: {term!r}")


def term_from_rdflib(term: Any) -> Term:
    """An rdflib ``URIRef``/``BNode``/``Literal`` (or ``None``) in the neutral shape."""
    if term is None:
        return None
    from rdflib.term import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ("uri", str(term), None)
    if isinstance(term, BNode):
        return ("bnode", str(term), None)
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return make_literal(str(term), datatype, term.language)
    raise TypeError(f"not an RDF term: {term!r}")


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_LANG_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_VAR_NAME = re.compile(r"^[A-Za-z0-9_]+$")
_STRING_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def sparql_iri(iri: str) -> str:
    """``<iri>``, after checking the IRI cannot end the ``<...>`` or carry whitespace."""
    if not isinstance(iri, str) or not iri:
        raise QueryError(f"an IRI must be a non-empty string, got {iri!r}")
    bad = _IRI_FORBIDDEN.search(iri)
    if bad:
        raise QueryError(
            f"IRI {iri!r} contains the character {bad.group()!r}, which IRIs may not contain "
            '(no spaces or any of <>"{}|^`\\); percent-encode it'
        )
    if not _IRI_SCHEME.match(iri):
        raise QueryError(f"IRI {iri!r} is not absolute (it needs a scheme such as https:)")
    return f"<{iri}>"


def sparql_string(text: str) -> str:
    """A double-quoted SPARQL/N-Triples string with every special character escaped."""
    out = []
    for char in text:
        if char in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def sparql_literal(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    """A literal in SPARQL syntax: ``"v"``, ``"v"@zh`` or ``"v"^^<datatype>``."""
    if not isinstance(value, str):
        raise QueryError(f"a literal's lexical form must be a string, got {value!r}")
    if lang:
        if not _LANG_TAG.match(lang):
            raise QueryError(f"{lang!r} is not a valid language tag (e.g. en, zh, zh-Hans)")
        return sparql_string(value) + "@" + lang
    if datatype in (None, "", XSD_STRING):
        return sparql_string(value)
    if datatype == RDF_LANGSTRING:
        raise QueryError(f"literal {value!r} has datatype rdf:langString but no language tag")
    return sparql_string(value) + "^^" + sparql_iri(datatype)


def sparql_term(value: Any) -> str:
    """Serialise one bound value as a SPARQL term that cannot change the query around it.

    Accepted: the neutral tuple ``(kind, value, datatype_or_lang)``; rdflib or pyoxigraph IRIs
    and literals; ``str`` (a plain literal: pass an IRI as ``("uri", iri, None)``); ``bool``,
    ``int``, ``float``, ``Decimal`` (typed literals); ``None`` (``UNDEF``). Blank nodes are
    refused: SPARQL does not allow them in ``VALUES``.
    """
    if value is None:
        return "UNDEF"
    # Library terms first: rdflib's URIRef and Literal are str subclasses.
    library = type(value).__module__.split(".")[0]
    if library == "rdflib":
        return sparql_term(term_from_rdflib(value))
    if library == "pyoxigraph":
        return sparql_term(term_from_pyoxigraph(value))
    if isinstance(value, tuple):
        if len(value) != 3:
            raise QueryError(f"a term tuple must be (kind, value, datatype_or_lang), got {value!r}")
        kind, text, extra = value
        if kind == "uri":
            return sparql_iri(text)
        if kind == "literal":
            if extra and extra.startswith("@"):
                return sparql_literal(text, lang=extra[1:])
            return sparql_literal(text, datatype=extra)
        if kind == "bnode":
            raise QueryError("a blank node cannot be bound as a query parameter; use an IRI")
        raise QueryError(f"unknown term kind {kind!r} in {value!r}; use uri or literal")
    if isinstance(value, bool):
        return sparql_literal("true" if value else "false", XSD + "boolean")
    if isinstance(value, int):
        return sparql_literal(str(value), XSD + "integer")
    if isinstance(value, float):
        if math.isnan(value):
            lexical = "NaN"
        elif value in (float("inf"), float("-inf")):
            lexical = "INF" if value > 0 else "-INF"
        else:
            lexical = repr(value)
        return sparql_literal(lexical, XSD + "double")
    if isinstance(value, Decimal):
        return sparql_literal(str(value), XSD + "decimal")
    if isinstance(value, str):
        return sparql_literal(value)
    raise QueryError(f"cannot bind a value of type {type(value).__name__}: {value!r}")


# --------------------------------------------------------------------------------------------
# Parameters: VALUES inserted into the outermost WHERE clause
# --------------------------------------------------------------------------------------------

_IRIREF_AT = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD_AT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


def _skip_string(text: str, start: int) -> int:
    """Index just past the string literal that opens at ``start`` (any of the four quotings)."""
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
                # A long string may end with up to two extra quotes: """a"""" is a"
                end = i + 3
                while end < len(text) and text[end] == quote and end - i < 5:
                    end += 1
                return end
        elif char == quote:
            return i + 1
        elif char in "\n\r":
            break
        i += 1
    raise QueryError(f"unterminated string literal starting at offset {start} of the query")


def _scan_query(query_text: str, *, want_where: bool) -> tuple[str | None, int | None]:
    """The query form (SELECT, CONSTRUCT, DESCRIBE, ASK or None) and, if ``want_where``, the
    offset of the ``{`` opening the outermost WHERE group (None when there is none).

    Strings, IRIs, variables and comments are skipped, and only keywords outside every brace
    count, so neither a subquery nor a ``WHERE`` in a string or comment can mislead it.
    """
    text = query_text
    depth = 0
    form = None
    saw_where = False
    first_group = None
    i = 0
    while i < len(text):
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end + 1
            continue
        if char in "\"'":
            i = _skip_string(text, i)
            continue
        if char == "<":
            match = _IRIREF_AT.match(text, i)
            if match:
                i = match.end()
                continue
        if char in "?$":
            match = _WORD_AT.match(text, i + 1)
            i = match.end() if match else i + 1
            continue
        if char == "{":
            if depth == 0:
                if not want_where and form is not None:
                    return form, None
                if saw_where:
                    return form, i
                if first_group is None:
                    first_group = i
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise QueryError("the query has an unbalanced '}'")
        elif depth == 0 and (char.isalpha() or char == "_"):
            match = _WORD_AT.match(text, i)
            if match:
                word = match.group().upper()
                after = text[match.end() : match.end() + 1]
                before = text[i - 1 : i] if i else ""
                standalone = after != ":" and before not in (":", "-", ".", "@")
                if standalone:
                    if form is None and word in _QUERY_FORMS:
                        form = word
                    elif word == "WHERE" and form is not None:
                        saw_where = True
                i = match.end()
                continue
        i += 1
    if form is not None and not saw_where and form != "CONSTRUCT":
        return form, first_group
    return form, None


def query_form(query_text: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the form of a query; None for anything else."""
    return _scan_query(query_text, want_where=False)[0]


def _where_group_start(query_text: str) -> int:
    """Offset of the ``{`` that opens the outermost WHERE group pattern of a query."""
    form, start = _scan_query(query_text, want_where=True)
    if form is None:
        raise QueryError(
            "parameters can only be bound in a SELECT, CONSTRUCT, DESCRIBE or ASK query, "
            "and none of those keywords was found"
        )
    if start is None:
        raise QueryError(f"the {form} query has no WHERE group to bind parameters in")
    return start


def bind_values(query_text: str, bindings: Mapping[str, Any] | None) -> str:
    """The query with ``VALUES ?name { term }`` first inside its outermost WHERE group.

    Each value is serialised by :func:`sparql_term`, so that whatever it contains it stays one
    RDF term: a quote, brace or ``#`` in a string is escaped, an IRI with a character that could
    close ``<...>`` is refused. Names may carry a leading ``?`` or ``$``.
    """
    if not bindings:
        return query_text
    clauses = []
    for name, value in bindings.items():
        bare = name[1:] if isinstance(name, str) and name[:1] in "?$" else name
        if not isinstance(bare, str) or not _VAR_NAME.match(bare):
            raise QueryError(
                f"parameter name {name!r} is not a plain variable name (letters, digits, _)"
            )
        clauses.append(f"VALUES ?{bare} {{ {sparql_term(value)} }}")
    start = _where_group_start(query_text)
    return query_text[: start + 1] + " " + " ".join(clauses) + " " + query_text[start + 1 :]


# --------------------------------------------------------------------------------------------
# HTTP plumbing and error messages
# --------------------------------------------------------------------------------------------


_USERINFO = re.compile(r"(?<=//)[^/?#@\s]*@")


def redact_url(text: str) -> str:
    """``text`` with the user-info of every URL in it (``user:password@``) shown as ``***@``."""
    return _USERINFO.sub("***@", text)


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``(url without user-info, user, password)``; the user and password are percent-decoded.

    ``http://dba:s%40cret@127.0.0.1:8890/sparql`` gives ``("http://127.0.0.1:8890/sparql",
    "dba", "s@cret")``; a URL without user-info comes back as it is, with ``None, None``.
    """
    if not isinstance(url, str):
        return url, None, None
    try:
        parsed = urllib.parse.urlsplit(url.strip())
    except ValueError:  # check_endpoint_url reports it, without the user-info
        return url, None, None
    if "@" not in parsed.netloc:
        return url.strip(), None, None
    userinfo, _, host = parsed.netloc.rpartition("@")
    user, has_password, password = userinfo.partition(":")
    clean = urllib.parse.urlunsplit(parsed._replace(netloc=host))
    return (clean, urllib.parse.unquote(user) or None,
            urllib.parse.unquote(password) if has_password else None)


def check_endpoint_url(url: str) -> str:
    """The URL, if it is an absolute http(s) URL with a host; else an EndpointError.

    A URL carrying a user name or password is refused here (without repeating them): callers
    take credentials out with :func:`split_credentials` first.
    """
    if not isinstance(url, str) or not url.strip():
        raise EndpointError(f"endpoint URL {url!r} is empty; give one like http://127.0.0.1:7878")
    shown = redact_url(url.strip())
    try:
        parsed = urllib.parse.urlsplit(url.strip())
    except ValueError:
        raise EndpointError(
            f"endpoint URL {shown!r} is malformed: expected http(s)://host[:port]/path, "
            "e.g. http://127.0.0.1:7878/query"
        ) from None
    if "@" in parsed.netloc:
        raise EndpointError(
            f"endpoint URL {shown!r} carries a user name or password; give them with "
            f"--user/--password or {USER_ENV}/{PASSWORD_ENV} instead"
        )
    try:
        port = parsed.port
    except ValueError:
        port = -1
    if parsed.scheme not in ("http", "https") or not parsed.hostname or port == -1:
        raise EndpointError(
            f"endpoint URL {shown!r} is malformed: expected http(s)://host[:port]/path, "
            "e.g. http://127.0.0.1:7878/query"
        )
    if any(c.isspace() for c in url.strip()):
        raise EndpointError(f"endpoint URL {shown!r} contains whitespace; percent-encode it")
    return url.strip()


def check_timeout(timeout: float) -> float:
    """The timeout, if it is a positive number of seconds; else an EndpointError."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or \
            not 0 < timeout <= 86400 or math.isnan(timeout):
        raise EndpointError(
            f"timeout must be a positive number of seconds (at most 86400), got {timeout!r}"
        )
    return float(timeout)


def _snippet(body: bytes | str | None) -> str:
    if body is None:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = re.sub(r"<[^>]{0,200}>", " ", text) if "<html" in text.lower() else text
    text = " ".join(text.split())
    return text[:_SNIPPET] + ("..." if len(text) > _SNIPPET else "")


def _http_error(
    url: str, status: int, reason: str, body: bytes | str | None, *, had_credentials: bool = False
) -> EndpointError:
    hints = {
        400: "the server rejected the request as malformed (check the query or data)",
        401: "the server rejected the user name or password"
        if had_credentials
        else f"the server wants credentials (pass user/password or set {USER_ENV}/{PASSWORD_ENV})",
        403: "the server refused the operation (read-only server, a feature it does not allow, "
        "or the user lacks rights)",
        404: "no SPARQL service at that path (check the endpoint URL)",
        406: "the server cannot produce the requested result format",
        415: "the server does not accept that data format",
        503: "the server stopped the query at one of its limits, or is busy",
    }
    hint = hints.get(status, "server-side failure: see the server's log" if status >= 500 else "")
    message = f"{url} answered HTTP {status} {reason}".rstrip()
    if hint:
        message += f" — {hint}"
    detail = _snippet(body)
    if detail:
        message += f". Server said: {detail}"
    return EndpointError(message)


def _network_error(url: str, error: BaseException, timeout: float | None) -> EndpointError:
    reason = getattr(error, "reason", error)
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return EndpointError(
            f"{url} did not answer within {timeout} s (timeout); the server may be overloaded or "
            "the query too expensive: retry with a larger timeout or a simpler query"
        )
    if isinstance(reason, ConnectionRefusedError):
        return EndpointError(
            f"cannot connect to {url}: connection refused — is the SPARQL server running "
            "and listening on that host and port?"
        )
    if isinstance(reason, socket.gaierror):
        return EndpointError(f"cannot resolve the host of {url} ({reason}); check the URL")
    if isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected)):
        return EndpointError(
            f"{url} closed the connection without an answer ({reason}); check the server's log"
        )
    return EndpointError(f"cannot reach {url}: {reason}")


_NETWORK_ERRORS = (urllib.error.URLError, OSError, http.client.HTTPException)


def _auth_handlers(url: str, user: str | None, password: str | None
                   ) -> tuple[urllib.request.HTTPDigestAuthHandler,
                              urllib.request.HTTPBasicAuthHandler] | None:
    """Handlers answering Digest and Basic challenges with the credentials (None without)."""
    if user is None or password is None:
        return None
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, user, password)
    return (urllib.request.HTTPDigestAuthHandler(manager),
            urllib.request.HTTPBasicAuthHandler(manager))


def _authorise_in_advance(request: urllib.request.Request,
                          handlers: tuple[urllib.request.HTTPDigestAuthHandler,
                                          urllib.request.HTTPBasicAuthHandler],
                          timeout: float) -> None:
    """Answer the server's authentication challenge before sending a request body.

    urllib sends the body first and only answers a 401 afterwards; Virtuoso closes the
    connection on its 401 while a large body (a 10 MB graph) is still being sent, and the
    upload dies with a broken pipe. A bodiless HEAD request fetches the challenge (Digest or
    Basic), and the real request goes out already authorised by the same handlers that would
    otherwise answer the 401.
    """
    probe = urllib.request.Request(request.full_url, method="HEAD")
    probe.add_header("User-Agent", _USER_AGENT)
    try:
        urllib.request.urlopen(probe, timeout=timeout).close()
        return  # no challenge: nothing to answer
    except urllib.error.HTTPError as error:
        challenge = error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
        error.close()
    scheme, _, params = challenge.partition(" ")
    digest, basic = handlers
    if scheme.lower() == "digest":
        fields = urllib.request.parse_keqv_list(
            filter(None, urllib.request.parse_http_list(params)))
        answer = digest.get_authorization(request, fields)
        if answer:
            request.add_header("Authorization", f"Digest {answer}")
    elif scheme.lower() == "basic":
        user, password = basic.passwd.find_user_password(None, request.full_url)
        if user is not None and password is not None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            request.add_header("Authorization", f"Basic {token}")


def _request(
    method: str,
    url: str,
    *,
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("User-Agent", _USER_AGENT)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    handlers = _auth_handlers(url, user, password)
    try:
        if data and handlers:
            _authorise_in_advance(request, handlers, timeout)
        opener = urllib.request.build_opener(*(handlers or ()))
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        try:
            body = error.read()
        except (OSError, http.client.HTTPException):  # the body is only used for the message
            body = b""
        raise _http_error(
            url, error.code, error.reason or "", body, had_credentials=user is not None
        ) from None
    except _NETWORK_ERRORS as error:
        raise _network_error(url, error, timeout) from None


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------


def _results_from_json(url: str, body: bytes) -> tuple[list[str], list[Row]]:
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise EndpointError(
            f"{url} sent a result that is not valid SPARQL JSON (truncated? a server-side "
            f"timeout cancels a query mid-answer). It began: {_snippet(body)}"
        ) from None
    if not isinstance(document, dict):
        raise EndpointError(f"{url} sent an unexpected JSON document: {_snippet(body)}")
    if "boolean" in document:
        value = "true" if document["boolean"] is True else "false"
        return ["result"], [(("literal", value, XSD + "boolean"),)]
    try:
        variables = list(document["head"]["vars"])
        bindings = document["results"]["bindings"]
    except (KeyError, TypeError):
        raise EndpointError(f"{url} sent JSON without head/vars or results: {_snippet(body)}")
    rows = [tuple(term_from_json(b.get(v)) for v in variables) for b in bindings]
    return variables, rows


def _results_from_rdf(url: str, body: bytes, content_type: str) -> tuple[list[str], list[Row]]:
    import pyoxigraph

    media = content_type.split(";")[0].strip().lower() or "text/turtle"
    rdf_format = pyoxigraph.RdfFormat.from_media_type(media) or pyoxigraph.RdfFormat.TURTLE
    try:
        triples = list(pyoxigraph.parse(body, format=rdf_format))
    except (SyntaxError, ValueError) as error:
        raise EndpointError(
            f"{url} sent an RDF answer ({media}) that cannot be parsed: {error}. "
            f"It began: {_snippet(body)}"
        ) from None
    rows = [
        (
            term_from_pyoxigraph(t.subject),
            term_from_pyoxigraph(t.predicate),
            term_from_pyoxigraph(t.object),
        )
        for t in triples
    ]
    rows.sort(key=lambda row: tuple((value or ("", "", None))[:2] for value in row))
    return ["subject", "predicate", "object"], rows


def run_remote(
    query_text: str,
    endpoint_url: str,
    *,
    bindings: Mapping[str, Any] | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 30,
    auth: str = "basic",
) -> tuple[list[str], list[Row]]:
    """Run a SPARQL query on a server through SPARQLWrapper; rows in the neutral shape.

    ``bindings`` are bound with :func:`bind_values`. ``auth`` is ``"basic"`` or ``"digest"``
    (Virtuoso's ``/sparql-auth`` uses digest) and only matters with ``user`` and ``password``.
    Every failure (bad URL, refused connection, HTTP error, timeout, unreadable answer) is an
    :class:`EndpointError` naming the URL. Credentials may also come as the URL's user-info
    (``http://user:password@host/sparql``); messages never show them.
    """
    from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLExceptions, SPARQLWrapper

    bare_url, url_user, url_password = split_credentials(endpoint_url)
    if user is None and password is None:
        user, password = url_user, url_password
    url = check_endpoint_url(bare_url)
    timeout = check_timeout(timeout)
    text = bind_values(query_text, bindings)
    form = query_form(text)
    if form is None:
        raise QueryError(
            "run_remote sends queries (SELECT, CONSTRUCT, DESCRIBE or ASK) and found none of "
            "those keywords outside strings and comments; updates are not sent"
        )
    client = SPARQLWrapper(url, agent=_USER_AGENT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        client.setQuery(text)
    # SPARQLWrapper guesses the form by searching the text for keywords, even inside words and
    # comments ("unclear" reads as CLEAR, and would be sent as an update): use ours instead.
    client.queryType = form
    client.setMethod(POST)
    client.setOnlyConneg(True)
    client.setTimeout(timeout)
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    client.setReturnFormat(TURTLE if graph_form else JSON)
    if user is not None and password is not None:
        if auth not in ("basic", "digest"):
            raise EndpointError(f"unknown HTTP authentication {auth!r}; use basic or digest")
        client.setHTTPAuth(DIGEST if auth == "digest" else BASIC)
        client.setCredentials(user, password)

    statuses = {
        SPARQLExceptions.QueryBadFormed: (400, "Bad Request"),
        SPARQLExceptions.Unauthorized: (401, "Unauthorized"),
        SPARQLExceptions.EndPointNotFound: (404, "Not Found"),
        SPARQLExceptions.URITooLong: (414, "URI Too Long"),
        SPARQLExceptions.EndPointInternalError: (500, "Internal Server Error"),
    }
    had_credentials = user is not None and password is not None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = client.query()
        content_type = result.response.headers.get("Content-Type", "") or ""
        body = result.response.read()
    except urllib.error.HTTPError as error:
        try:
            detail = error.read()
        except (OSError, http.client.HTTPException):
            detail = b""
        raise _http_error(
            url, error.code, error.reason or "", detail, had_credentials=had_credentials
        ) from None
    except SPARQLExceptions.SPARQLWrapperException as error:
        status, reason = statuses.get(type(error), (0, type(error).__name__))
        message = str(error)
        detail = message.split("Response:", 1)[1].strip() if "Response:" in message else ""
        if detail.startswith(("b'", 'b"')):
            try:
                detail = _snippet(_bytes_from_repr(detail))
            except (ValueError, TypeError, SyntaxError):
                pass
        raise _http_error(url, status, reason, detail, had_credentials=had_credentials) from None
    except _NETWORK_ERRORS as error:
        raise _network_error(url, error, timeout) from None
    if graph_form:
        return _results_from_rdf(url, body, content_type)
    return _results_from_json(url, body)


def _bytes_from_repr(text: str) -> bytes:
    """The bytes of a Python ``b'...'`` repr (as SPARQLWrapper puts in its messages)."""
    import ast

    value = ast.literal_eval(text)
    if not isinstance(value, bytes):
        raise TypeError("not a bytes literal")
    return value


# --------------------------------------------------------------------------------------------
# Publishing a release
# --------------------------------------------------------------------------------------------

_RELEASE_FORMATS = {".nq": "N_QUADS", ".nquads": "N_QUADS", ".trig": "TRIG"}


def read_release_graphs(release_file: str | Path) -> dict[str, set]:
    """The named graphs of a release file (N-Quads or TriG): graph IRI -> set of triples.

    Triples in the default graph are refused: publishing replaces named graphs only.
    """
    import pyoxigraph

    path = Path(release_file)
    format_name = _RELEASE_FORMATS.get(path.suffix.lower())
    if format_name is None:
        raise DataFileError(
            f"{path}: cannot publish a {path.suffix or 'suffix-less'} file; give the release's "
            "N-Quads (.nq) or TriG (.trig) file"
        )
    if not path.is_file():
        raise DataFileError(f"{path}: release file not found; build the release first")
    graphs: dict[str, set] = {}
    default_count = 0
    try:
        for quad in pyoxigraph.parse(
            path=str(path), format=getattr(pyoxigraph.RdfFormat, format_name)
        ):
            if isinstance(quad.graph_name, pyoxigraph.DefaultGraph):
                default_count += 1
                continue
            if not isinstance(quad.graph_name, pyoxigraph.NamedNode):
                raise DataFileError(f"{path}: graph name {quad.graph_name} is a blank node")
            graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    except SyntaxError as error:
        raise DataFileError(f"{path}: not valid {format_name.replace('_', '-')}: {error}") from None
    if default_count:
        raise DataFileError(
            f"{path}: {default_count} triple(s) are in the default graph; publish only handles "
            "named graphs, so put them in one of the release's named graphs"
        )
    if not graphs:
        raise DataFileError(f"{path}: the release has no named graph to publish")
    return graphs


def _select_graphs(
    path: Path, available: dict[str, set], wanted: Iterable[str] | None
) -> list[str]:
    if wanted is None:
        return sorted(available)
    chosen = []
    for name in wanted:
        iri = GRAPHS.get(name, name)
        if iri not in available:
            known = ", ".join(sorted(available))
            raise DataFileError(
                f"{path}: graph {name!r} is not in the release (it has: {known}); publishing "
                "it would empty the graph on the server"
            )
        chosen.append(iri)
    return chosen


def _strip_suffix(url: str, suffixes: tuple[str, ...]) -> str:
    base = url.rstrip("/")
    for suffix in suffixes:
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return base


def _publish_target(kind: str, endpoint: str, query_endpoint: str | None):
    """(graph store URL maker, content type, query endpoint, needs credentials) for a kind."""
    if kind == "oxigraph":
        base = _strip_suffix(endpoint, ("/query", "/update", "/store"))
        store = base + "/store?graph="
        return (
            (lambda g: store + urllib.parse.quote(g, safe="")),
            "application/n-triples",
            (query_endpoint or base + "/query"),
            False,
        )
    if kind == "virtuoso":
        base = _strip_suffix(
            endpoint, ("/sparql-graph-crud-auth", "/sparql-graph-crud", "/sparql-auth", "/sparql")
        )
        store = base + "/sparql-graph-crud-auth?graph-uri="
        # Virtuoso's Turtle loader is the robust one; N-Triples is a subset of Turtle.
        return (
            (lambda g: store + urllib.parse.quote(g, safe="")),
            "text/turtle",
            (query_endpoint or base + "/sparql"),
            True,
        )
    if kind == "gsp":
        if not query_endpoint:
            raise EndpointError(
                f"publishing to a generic graph store ({endpoint}) needs query_endpoint= too, "
                "the SPARQL query URL used to count the loaded triples"
            )
        joiner = "&" if "?" in endpoint else "?"
        return (
            (lambda g: endpoint + joiner + "graph=" + urllib.parse.quote(g, safe="")),
            ("application/n-triples"),
            query_endpoint,
            False,
        )
    raise EndpointError(f"unknown endpoint kind {kind!r}; use one of {', '.join(PUBLISH_KINDS)}")


def count_graph_triples(
    query_endpoint: str,
    graph_iri: str,
    *,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60,
) -> int:
    """``COUNT(*)`` of the triples in one named graph on a server."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    _, rows = run_remote(
        query,
        query_endpoint,
        bindings={"g": ("uri", graph_iri, None)},
        user=user,
        password=password,
        timeout=timeout,
    )
    try:
        return int(rows[0][0][1])  # type: ignore[index]
    except (IndexError, TypeError, ValueError):
        raise EndpointError(
            f"{query_endpoint} gave no usable count for graph <{graph_iri}>: {rows!r}"
        )


def publish(
    release_file: str | Path,
    endpoint: str,
    *,
    kind: str = "oxigraph",
    user: str | None = None,
    password: str | None = None,
    graphs: Iterable[str] | None = None,
    query_endpoint: str | None = None,
    timeout: float = 300,
) -> dict[str, int]:
    """Load every named graph of a release into a server, replacing each graph's old version.

    One SPARQL 1.1 Graph Store Protocol ``PUT`` per graph, which replaces the graph in one
    request: ``/store?graph=`` on Oxigraph, ``/sparql-graph-crud-auth?graph-uri=`` (digest
    auth) on Virtuoso, ``endpoint?graph=`` for any other graph store (``kind="gsp"``, with
    ``query_endpoint``). ``endpoint`` is the server's base URL (a trailing ``/query``,
    ``/sparql`` etc. is accepted). ``graphs`` limits the graphs (IRIs or names from
    ``constants.GRAPHS``). Credentials come from the arguments, else from the endpoint URL's
    user-info (``http://user:password@host/``: used, never shown), else from the environment
    variables OSTEOKG_ENDPOINT_USER / OSTEOKG_ENDPOINT_PASSWORD.

    Returns graph IRI -> number of triples, each checked by a COUNT query after loading.
    Blank nodes are scoped per graph (a PUT body is one document).

    Atomicity, as observed (Oxigraph 0.5.13, Virtuoso 7.2.5 from Debian 12): on Oxigraph a
    concurrent reader sees the old graph until the new one is complete, and a rejected body
    leaves the old graph in place. On Virtuoso a rejected body also leaves the old graph in
    place, but a concurrent reader may briefly see the graph empty while the PUT runs.
    Virtuoso's alternative, ``DROP GRAPH; INSERT DATA`` in one SPARQL Update request, was
    slower by orders of magnitude (a 20,000-triple update did not finish in 5 minutes), so
    it is not used. Graphs are published one after another, not all in one transaction.
    """
    import pyoxigraph

    path = Path(release_file)
    endpoint, url_user, url_password = split_credentials(endpoint)
    endpoint = check_endpoint_url(endpoint)
    timeout = check_timeout(timeout)
    if user is None and password is None:
        user, password = url_user, url_password
    if query_endpoint:
        query_endpoint, _, _ = split_credentials(query_endpoint)
    user = user if user is not None else os.environ.get(USER_ENV) or None
    password = password if password is not None else os.environ.get(PASSWORD_ENV)
    graph_url, content_type, count_url, needs_credentials = _publish_target(
        kind, endpoint, query_endpoint
    )
    if query_endpoint:
        count_url = check_endpoint_url(query_endpoint)
    if needs_credentials and (user is None or password is None):
        raise EndpointError(
            f"{endpoint}: Virtuoso's graph store needs a user and password: pass them "
            f"(CLI: --user/--password) or set {USER_ENV} and {PASSWORD_ENV} "
            "(a fresh Debian install has user dba, password dba)"
        )
    release = read_release_graphs(path)
    selected = _select_graphs(path, release, graphs)
    counts: dict[str, int] = {}
    for iri in selected:
        triples = release[iri]
        body = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
        _request(
            "PUT",
            graph_url(iri),
            data=body,
            headers={"Content-Type": f"{content_type}; charset=utf-8"},
            user=user,
            password=password,
            timeout=timeout,
        )
        loaded = count_graph_triples(
            count_url,
            iri,
            user=user if kind == "gsp" else None,
            password=password if kind == "gsp" else None,
            timeout=timeout,
        )
        if loaded != len(triples):
            raise EndpointError(
                f"{endpoint}: graph <{iri}> holds {loaded} triple(s) after loading, but the "
                f"release has {len(triples)}; the server may have merged or dropped some "
                "(check its log), then publish again"
            )
        counts[iri] = loaded
    return counts


__all__ = [
    "PUBLISH_KINDS",
    "Row",
    "Term",
    "bind_values",
    "check_endpoint_url",
    "check_timeout",
    "count_graph_triples",
    "make_literal",
    "publish",
    "query_form",
    "read_release_graphs",
    "redact_url",
    "run_remote",
    "sparql_iri",
    "sparql_literal",
    "sparql_string",
    "sparql_term",
    "split_credentials",
    "term_from_json",
    "term_from_pyoxigraph",
    "term_from_rdflib",
]
