"""Checks on the content of an SKP (RHK, IKI, targets), as pure functions returning what is wrong.

Each problem names the field it is about, in the form the HTTP API uses (``rhk.ikis.0.targets``), and
says in Indonesian what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from kinerja_kernel.contracts.planning import Approach, Aspect, Iki, Measure, PositionType, Rhk


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def rhk_problems(rhk: Rhk, *, approach: Approach, position_type: PositionType) -> list[Problem]:
    """What is wrong with one RHK on an SKP of this approach and position type."""
    problems: list[Problem] = []
    if not rhk.ikis:
        problems.append(Problem("rhk.ikis", "Setiap RHK harus memiliki minimal satu IKI"))
    for i, iki in enumerate(rhk.ikis):
        problems.extend(iki_problems(iki, approach=approach, prefix=f"rhk.ikis.{i}"))
    if position_type.cascades_from_supervisor:
        if rhk.source is not None:
            problems.append(Problem("rhk.source", "RHK pegawai JA/JF mengacu pada RHK atasan (intervensi), "
                                                  "bukan perjanjian kinerja atau penugasan"))
    else:
        if rhk.intervention is not None:
            problems.append(Problem("rhk.intervention", "RHK JPT/kepala unit mengacu pada perjanjian kinerja "
                                                        "atau penugasan, bukan RHK atasan"))
        if rhk.source is None:
            problems.append(Problem("rhk.source", "RHK JPT/kepala unit wajib menyebut perjanjian kinerja "
                                                  "atau penugasan yang menjadi sumbernya"))
    if position_type is PositionType.JPT and rhk.perspective is None:
        problems.append(Problem("rhk.perspective", "RHK JPT wajib memiliki perspektif"))
    return problems


def iki_problems(iki: Iki, *, approach: Approach, prefix: str) -> list[Problem]:
    problems: list[Problem] = []
    aspects = [t.aspect for t in iki.targets]
    if len(set(aspects)) != len(aspects):
        problems.append(Problem(f"{prefix}.targets", "Setiap aspek target hanya boleh diisi sekali"))
    if Aspect.KUANTITAS not in aspects:
        problems.append(Problem(f"{prefix}.targets", "IKI wajib memiliki target aspek kuantitas"))
    for j, target in enumerate(iki.targets):
        where = f"{prefix}.targets.{j}"
        if approach is Approach.KUANTITATIF or target.value is not None:
            if target.value is None:
                problems.append(Problem(f"{where}.value", f"Target {target.aspect.value} wajib berupa angka "
                                                          "pada pendekatan kuantitatif"))
            elif target.value <= 0:
                problems.append(Problem(f"{where}.value", f"Target {target.aspect.value} harus lebih dari nol"))
            if not target.unit:
                problems.append(Problem(f"{where}.unit", f"Target {target.aspect.value} wajib memiliki satuan "
                                                         "(mis. dokumen, %, bulan)"))
        elif not target.description:
            problems.append(Problem(f"{where}.description", f"Target {target.aspect.value} wajib diuraikan "
                                                              "pada pendekatan kualitatif"))
    if iki.measure is Measure.SERVICE_SATISFACTION:
        kuantitas = next((t for t in iki.targets if t.aspect is Aspect.KUANTITAS), None)
        if kuantitas is not None and kuantitas.value is not None and not 1 <= kuantitas.value <= 5:
            problems.append(Problem(f"{prefix}.targets", "Target kepuasan layanan harus di antara 1 dan 5"))
    if iki.service_type is not None and iki.measure is Measure.MANUAL:
        problems.append(Problem(f"{prefix}.service_type", "Jenis layanan hanya berlaku untuk IKI yang dihitung "
                                                          "dari interaksi layanan"))
    return problems
