"""Checks on the content of an SKP (RHK, IKI, targets), as pure functions returning what is wrong.

Each problem names the field it is about, in the form the HTTP API uses (``rhk.ikis.0.targets``), and
the rule it breaks as a message code with parameters (``kinerja_planning.messages`` says it in Indonesian
and English).
"""

from __future__ import annotations

from kinerja_kernel.contracts.planning import Approach, Aspect, Iki, Measure, PositionType, Rhk
from kinerja_kernel.errors import Detail

Problem = Detail
"""One thing wrong: the field, a message code and its parameters (rendered to text only at the edge)."""


def rhk_problems(rhk: Rhk, *, approach: Approach, position_type: PositionType) -> list[Problem]:
    """What is wrong with one RHK on an SKP of this approach and position type."""
    problems: list[Problem] = []
    if not rhk.ikis:
        problems.append(Problem("rhk.ikis", "planning.rhk.no-iki"))
    for i, iki in enumerate(rhk.ikis):
        problems.extend(iki_problems(iki, approach=approach, prefix=f"rhk.ikis.{i}"))
    if position_type.cascades_from_supervisor:
        if rhk.source is not None:
            problems.append(Problem("rhk.source", "planning.rhk.source-not-for-ja-jf"))
    else:
        if rhk.intervention is not None:
            problems.append(Problem("rhk.intervention", "planning.rhk.intervention-not-for-leaders"))
        if rhk.source is None:
            problems.append(Problem("rhk.source", "planning.rhk.source-required"))
    if position_type is PositionType.JPT and rhk.perspective is None:
        problems.append(Problem("rhk.perspective", "planning.rhk.perspective-required"))
    return problems


def iki_problems(iki: Iki, *, approach: Approach, prefix: str) -> list[Problem]:
    problems: list[Problem] = []
    aspects = [t.aspect for t in iki.targets]
    if len(set(aspects)) != len(aspects):
        problems.append(Problem(f"{prefix}.targets", "planning.iki.aspect-repeated"))
    if Aspect.KUANTITAS not in aspects:
        problems.append(Problem(f"{prefix}.targets", "planning.iki.quantity-required"))
    for j, target in enumerate(iki.targets):
        where = f"{prefix}.targets.{j}"
        if approach is Approach.KUANTITATIF or target.value is not None:
            if target.value is None:
                problems.append(Problem(f"{where}.value", "planning.target.value-required",
                                        {"aspect": target.aspect.value}))
            elif target.value <= 0:
                problems.append(Problem(f"{where}.value", "planning.target.not-positive",
                                        {"aspect": target.aspect.value, "value": str(target.value)}))
            if not target.unit:
                problems.append(Problem(f"{where}.unit", "planning.target.unit-required",
                                        {"aspect": target.aspect.value}))
        elif not target.description:
            problems.append(Problem(f"{where}.description", "planning.target.description-required",
                                    {"aspect": target.aspect.value}))
    if iki.measure is Measure.SERVICE_SATISFACTION:
        kuantitas = next((t for t in iki.targets if t.aspect is Aspect.KUANTITAS), None)
        if kuantitas is not None and kuantitas.value is not None and not 1 <= kuantitas.value <= 5:
            problems.append(Problem(f"{prefix}.targets", "planning.iki.satisfaction-out-of-range",
                                    {"value": str(kuantitas.value)}))
    if iki.service_type is not None and iki.measure is Measure.MANUAL:
        problems.append(Problem(f"{prefix}.service_type", "planning.iki.service-type-on-manual"))
    return problems
