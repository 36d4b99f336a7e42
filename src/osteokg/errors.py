"""Error hierarchy. Every message names the offending item, where it is, and how to fix it."""

from __future__ import annotations


class OsteoKGError(Exception):
    """Base class of every error osteokg raises on purpose (a user error, not a bug)."""

    exit_code = 2


class CurationError(OsteoKGError):
    """A curation file in ``seeds/`` is malformed or inconsistent.

    Holds every problem found, not just the first, so a curator can fix them in one pass.
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        head = f"{len(self.problems)} curation problem(s); nothing was written:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


class UnknownTermError(OsteoKGError):
    """A CURIE, label or name that osteokg does not know."""


class SourceTextError(OsteoKGError):
    """The review text is missing or has changed."""


class ValidationFailed(OsteoKGError):
    """The graph does not conform to the SHACL shapes."""

    exit_code = 1


class InconsistentOntologyError(OsteoKGError):
    """The OWL reasoner found the ontology inconsistent or a class unsatisfiable."""

    exit_code = 1


class QueryError(OsteoKGError):
    """A stored query is missing, malformed, or got a bad parameter."""


class EndpointError(OsteoKGError):
    """A SPARQL endpoint is unreachable, refused the request, or timed out."""


class ShapesError(OsteoKGError):
    """A SHACL shapes file cannot be read."""


class DataFileError(OsteoKGError):
    """An RDF data file given by the user cannot be read or has an unknown format."""
