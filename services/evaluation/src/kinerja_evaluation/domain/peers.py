"""What each viewer may see of the 360 input: aggregates only, and only once enough raters answered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kinerja_evaluation.domain.appraisal import PeerInput
from kinerja_kernel.contracts.planning import BerAkhlak


@dataclass(frozen=True)
class PeerSummary:
    assigned: int
    answered: int
    threshold: int
    visible: bool
    averages: dict[BerAkhlak, Decimal]  # empty when not visible
    comments: dict[BerAkhlak, list[str]]  # unnamed; empty unless shown to this viewer


def summarise(inputs: Mapping[str, PeerInput], *, assigned: int, threshold: int, with_comments: bool) -> PeerSummary:
    """Averages per value (2 decimals) when at least ``threshold`` raters answered; comments without
    names, in a fixed order that does not follow the raters, only when ``with_comments``."""
    answered = len(inputs)
    if answered < threshold:
        return PeerSummary(assigned=assigned, answered=answered, threshold=threshold, visible=False, averages={},
                           comments={})  # the view says why (evaluation.peer.hidden)
    averages = {
        v: (Decimal(sum(i.scores[v] for i in inputs.values())) / answered).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for v in BerAkhlak
    }
    comments: dict[BerAkhlak, list[str]] = {}
    if with_comments:
        for v in BerAkhlak:
            texts = sorted(t for i in inputs.values() if (t := i.comments.get(v)))
            if texts:
                comments[v] = texts
    return PeerSummary(assigned=assigned, answered=answered, threshold=threshold, visible=True, averages=averages,
                       comments=comments)
