"""Find the kind of conference an article reports: a tổng kết, a sơ kết, a kỷ niệm, or another event."""
from __future__ import annotations

import re

from ..common.messages import say
from ..common.vietnamese import fold
from .text import Found, fold_aligned

_KINDS = (("tong ket", "tong-ket"), ("so ket", "so-ket"), ("ky niem", "ky-niem"))
# Events that are neither review nor commemoration: a signing, a flag award, a meeting, a workshop.
_OTHER_EVENT = re.compile(r"ky ket|giao uoc|don nhan|trao tang|gap mat|hoi thao|toa dam|dai hoi|ban chap hanh"
                          r"|tap huan|dien dan|hoi cho|ra mat|le (?:trao|khai|cong bo)")


def kind(title: str, lead: str) -> Found:
    """tong-ket, so-ket or ky-niem from the first of those words in the title, else in the first paragraph;
    khac for a signing, a flag award, a meeting or a workshop."""
    for where, text in ((say("found.where.title"), title), (say("found.where.lead"), lead)):
        folded = fold_aligned(text)
        hits = [(folded.find(word), word, key) for word, key in _KINDS if word in folded]
        if hits:
            position, word, key = min(hits)
            return Found(key, say("found.kind.word", word=text[position:position + len(word)], where=where))
    event = _OTHER_EVENT.search(fold(title)) or _OTHER_EVENT.search(fold(lead))
    if event:
        return Found("khac", say("found.kind.event", event=event.group(0)))
    if re.search(r"hoi nghi|buoi le|\ble\b", fold(title + " " + lead)):
        return Found("khac", say("found.kind.other_meeting"), True)
    return Found(None, say("found.kind.none"), True)
