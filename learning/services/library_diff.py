"""What changed between two versions of a resource in one language, word by word.

The result is plain data (segments of text marked equal, inserted or deleted); the template
escapes every segment and wraps the changed ones in <ins>/<del> with a text label, so a
screen reader says what was removed and what was added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from ..models import ResourceVersion

# Beyond this many words on the two sides, compare line by line: difflib's matching is
# quadratic in the worst case.
WORD_LIMIT = 20_000
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "insert" or "delete"
    text: str

    @property
    def is_insert(self) -> bool:
        return self.op == "insert"

    @property
    def is_delete(self) -> bool:
        return self.op == "delete"


@dataclass(frozen=True)
class FieldChange:
    label: str
    segments: list[Segment]

    @property
    def changed(self) -> bool:
        return any(segment.op != "equal" for segment in self.segments)


def text_diff(old: str, new: str) -> list[Segment]:
    """`old` turned into `new`: words (or lines, for long texts) kept, deleted and inserted."""
    old, new = old or "", new or ""
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    if len(before) + len(after) > WORD_LIMIT:
        before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(segments, "equal", "".join(before[i1:i2]))
        if tag in {"delete", "replace"}:
            _add(segments, "delete", "".join(before[i1:i2]))
        if tag in {"insert", "replace"}:
            _add(segments, "insert", "".join(after[j1:j2]))
    return segments


def _add(segments: list[Segment], op: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def version_diff(old: ResourceVersion, new: ResourceVersion) -> list[FieldChange]:
    """Each part of two versions of the same resource and language, compared."""
    if old.resource_id != new.resource_id or old.language != new.language:
        raise DomainError(_("Only two versions of the same resource in one language compare."))
    fields = [
        (_("Title"), old.title, new.title),
        (_("Summary"), old.summary, new.summary),
        (_("Text"), old.body, new.body),
        (_("Link"), old.link, new.link),
        (_("File"), old.file_name, new.file_name),
        (_("Format"), old.get_format_display(), new.get_format_display()),
    ]
    return [
        FieldChange(str(label), text_diff(before, after))
        for label, before, after in fields
        if before or after
    ]
