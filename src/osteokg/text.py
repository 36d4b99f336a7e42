"""The review's text: the raw seed, a normalised text derived from it, sections and sentences.

The seed (``seeds/000_b335aac3ed2f8940.txt``) is the review exactly as extracted from its PDF
and is never edited. :func:`load_source` derives, reproducibly:

* a **normalised text**: PDF line breaks joined (no space between two Chinese characters,
  one space between Latin words, none after a hyphen), the "⁃" soft hyphen removed with its
  line break, spaces between Chinese characters and around full-width punctuation removed
  ("关 节 炎 症" -> "关节炎症"), split abbreviations repaired ("IL -1β" -> "IL-1β",
  "NFA Tc1" -> "NFATc1", "κ B" -> "κB"), and the private-use character in "Howship's"
  replaced by an apostrophe;
* **sections** (title, Chinese and English abstracts, introduction, numbered sections);
* **sentences** with stable IDs (``sec4.3-05``: section key, ordinal) and character offsets
  into both the normalised and the raw text, plus the reference numbers cited in them.

Every character of the normalised text maps back to a raw character, so any quote can be
located in the seed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .constants import SOURCE_TEXT
from .errors import SourceTextError

#: SHA-256 of the seed exactly as given. A different digest means the seed was edited.
SOURCE_SHA256 = "a0503db40e7095b7bcdca0b1ccd11056304835ed0ca792e0f0494ff0c4126e27"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_FULLWIDTH_PUNCT = "，。、：；！？（）［］“”"
_HEADING_RE = re.compile(rf"^(?P<num>[1-5](?:\.[1-9])?)\s+(?P<title>[{_CJK}\- ]{{2,20}})$")
_SENTENCE_END_ZH = "。！？"
_CITATION_RE = re.compile(r"［(?P<nums>[0-9]+(?:[，,][0-9]+)*)］")

#: Substitutions applied after joining lines, in order: (name, pattern, replacement).
#: Each either deletes what it matches or replaces it character for character, so offsets
#: stay exact. The names are the artefact classes the tests exercise.
_REPAIRS: list[tuple[str, str, str]] = [
    # The private-use glyph the PDF used for the apostrophe in "Howship's".
    ("private-use apostrophe", "[\U000f0000-\U0010ffff\ue000-\uf8ff]", "'"),
    # A space between two Chinese characters is a typesetting artefact ("关 节 炎 症").
    ("spaced CJK", rf"(?<=[{_CJK}]) +(?=[{_CJK}])", ""),
    # Spaces next to full-width punctuation ("型 ［5］", "、 IL-6", "核 -巨噬").
    ("space at full-width punctuation", rf" +(?=[{_FULLWIDTH_PUNCT}])|(?<=[{_FULLWIDTH_PUNCT}]) +", ""),
    ("space before hyphen", rf"(?<=[A-Za-z{_CJK}]) +(?=-[0-9A-Za-zα-ω{_CJK}])", ""),
    # "receptor- associated", "factor- κ B": a space after a hyphen inside a word.
    ("space after hyphen", r"(?<=[A-Za-z]-) +(?=[a-zα-ω])", ""),
    # Abbreviations the PDF split with a space.
    ("split abbreviation", r"(?<=NFA) (?=Tc1)|(?<=κ) (?=B)|(?<=1,) (?=25-)", ""),
    # Title footnote marker (funding note) that is not part of the title.
    ("footnote marker", "△", ""),
]


@dataclass(frozen=True)
class Section:
    """A part of the review: its key (``sec4.3``), number, heading and span."""

    key: str
    number: str | None
    title: str
    start: int  # offset in the normalised text
    end: int


@dataclass(frozen=True)
class Sentence:
    """One sentence of the normalised text, with offsets into both texts."""

    id: str
    section: str
    ordinal: int
    text: str
    start: int
    end: int
    raw_start: int
    raw_end: int
    references: tuple[int, ...] = ()
    language: str = "zh"


@dataclass
class SourceText:
    """The seed, its normalised text, the offset map between them, sections and sentences."""

    raw: str
    normalised: str
    #: ``raw_index[i]`` is the offset in ``raw`` of normalised character ``i``.
    raw_index: list[int]
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def sentence(self, sentence_id: str) -> Sentence:
        """The sentence with this ID (``KeyError`` naming close IDs if there is none)."""
        for s in self.sentences:
            if s.id == sentence_id:
                return s
        raise KeyError(sentence_id)

    @property
    def sentence_ids(self) -> dict[str, Sentence]:
        return {s.id: s for s in self.sentences}

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets of the normalised span ``[start, end)``."""
        if end <= start:
            return self.raw_index[start], self.raw_index[start]
        return self.raw_index[start], self.raw_index[end - 1] + 1


class _Mapped:
    """A string with, for each character, the raw offset it came from."""

    def __init__(self, text: str, index: list[int]):
        assert len(text) == len(index)
        self.text = text
        self.index = index

    def sub(self, pattern: str, replacement: str) -> _Mapped:
        out: list[str] = []
        idx: list[int] = []
        pos = 0
        for m in re.finditer(pattern, self.text):
            out.append(self.text[pos : m.start()])
            idx.extend(self.index[pos : m.start()])
            assert len(replacement) <= max(1, m.end() - m.start())
            for k, ch in enumerate(replacement):
                out.append(ch)
                idx.append(self.index[min(m.start() + k, m.end() - 1)])
            pos = m.end()
        out.append(self.text[pos:])
        idx.extend(self.index[pos:])
        return _Mapped("".join(out), idx)


def _is_cjk(ch: str) -> bool:
    return bool(re.match(rf"[{_CJK}{_FULLWIDTH_PUNCT}]", ch))


def _join_lines(lines: list[tuple[str, int]]) -> _Mapped:
    """Join stripped lines (text, raw offset of first char) into one mapped string."""
    text: list[str] = []
    index: list[int] = []
    for line, offset in lines:
        if text:
            prev = text[-1]
            if prev == "⁃":  # soft hyphen at a line end: drop it and join the word
                text.pop()
                index.pop()
            elif not (
                (_is_cjk(prev) and _is_cjk(line[0]))
                or prev in "-/（［“"
                or line[0] in _FULLWIDTH_PUNCT
            ):
                text.append(" ")
                index.append(index[-1] + 1)  # the raw line break
        text.extend(line)
        index.extend(range(offset, offset + len(line)))
    return _Mapped("".join(text), index)


def _raw_lines(raw: str) -> list[tuple[str, int]]:
    """Non-blank lines, stripped, with the raw offset of their first character."""
    out = []
    pos = 0
    for line in raw.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            out.append((stripped, pos + line.index(stripped[0])))
        pos += len(line)
    return out


def _split_blocks(raw: str) -> list[tuple[str, str | None, str, list[tuple[str, int]]]]:
    """Group raw lines into blocks: (key, number, heading, body lines)."""
    lines = _raw_lines(raw)
    if not lines:
        raise SourceTextError("the review text is empty")
    blocks: list[tuple[str, str | None, str, list[tuple[str, int]]]] = []
    blocks.append(("title", None, "title", [lines[0]]))
    current: list[tuple[str, int]] = []
    key, number, heading = "authors", None, "authors"
    for text, offset in lines[1:]:
        m = _HEADING_RE.match(text)
        label = None
        if text.startswith("摘要："):
            label = ("abs-zh", None, "摘要", len("摘要："))
        elif text.startswith("Abstract:"):
            label = ("abs-en", None, "Abstract", len("Abstract:"))
        elif key == "abs-en" and _is_cjk(text[0]) or text.startswith("“"):
            if key == "abs-en":
                label = ("intro", None, "引言", 0)
        if m and len(text) <= 24:
            blocks.append((key, number, heading, current))
            num = m.group("num")
            key, number, heading, current = f"sec{num}", num, m.group("title").replace(" ", ""), []
            continue
        if label:
            blocks.append((key, number, heading, current))
            key, number, heading, skip = label
            current = []
            rest = text[skip:].lstrip()
            if rest:
                current.append((rest, offset + len(text) - len(rest)))
            continue
        current.append((text, offset))
    blocks.append((key, number, heading, current))
    return [b for b in blocks if b[0] != "authors"]


def _sentence_spans(text: str, language: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    if language == "zh":
        for m in re.finditer(f"[{_SENTENCE_END_ZH}]", text):
            spans.append((start, m.end()))
            start = m.end()
    else:
        for m in re.finditer(r"(?<=[a-z0-9)])\.(?= +[A-Z])|\.$", text):
            spans.append((start, m.end()))
            start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s] == " ":
            s += 1
        if s < e:
            out.append((s, e))
    return out


def normalise(raw: str) -> SourceText:
    """Derive the normalised text, sections and sentences from the raw seed."""
    pieces: list[_Mapped] = []
    sections: list[Section] = []
    sentences: list[Sentence] = []
    offset = 0
    for key, number, heading, lines in _split_blocks(raw):
        body = _join_lines(lines) if lines else _Mapped("", [])
        for _name, pattern, replacement in _REPAIRS:
            body = body.sub(pattern, replacement)
        if pieces:  # sections are separated by one newline
            sep_index = body.index[0] if body.index else pieces[-1].index[-1]
            pieces.append(_Mapped("\n", [sep_index]))
            offset += 1
        sections.append(Section(key, number, heading, offset, offset + len(body.text)))
        language = "en" if key == "abs-en" else "zh"
        for ordinal, (s, e) in enumerate(_sentence_spans(body.text, language), start=1):
            refs = sorted(
                {int(n) for m in _CITATION_RE.finditer(body.text[s:e]) for n in re.split("[，,]", m.group("nums"))}
            )
            sentences.append(
                Sentence(
                    id=f"{key}-{ordinal:02d}",
                    section=key,
                    ordinal=ordinal,
                    text=body.text[s:e],
                    start=offset + s,
                    end=offset + e,
                    raw_start=body.index[s],
                    raw_end=body.index[e - 1] + 1,
                    references=tuple(refs),
                    language=language,
                )
            )
        pieces.append(body)
        offset += len(body.text)
    normalised = "".join(p.text for p in pieces)
    index = [i for p in pieces for i in p.index]
    return SourceText(raw, normalised, index, sections, sentences)


@lru_cache(maxsize=4)
def _load_cached(path: str, check_digest: bool) -> SourceText:
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceTextError(f"{p}: cannot read the review text ({exc.strerror})") from exc
    if check_digest:
        digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        if digest != SOURCE_SHA256:
            raise SourceTextError(
                f"{p}: the seed has been edited (SHA-256 {digest}, expected {SOURCE_SHA256}); "
                "the review text must stay exactly as given: restore it with "
                f"'git checkout -- {p.name}'"
            )
    return normalise(raw)


def load_source(path: Path | None = None, *, check_digest: bool = True) -> SourceText:
    """Load and normalise the review (cached per path)."""
    return _load_cached(str(path or SOURCE_TEXT), check_digest)
