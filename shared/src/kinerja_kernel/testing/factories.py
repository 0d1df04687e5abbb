"""Random instances of published models (polyfactory), with a well-formed NIP in every field typed ``Nip``."""

from __future__ import annotations

import random
from typing import Any

from polyfactory.factories.pydantic_factory import ModelFactory

from kinerja_kernel.identity import Nip


def _nip_metadata() -> tuple[Any, ...]:
    return tuple(getattr(Nip, "__metadata__", ()))


def is_nip_field(model: Any, name: str) -> bool:
    """Whether ``model``'s field ``name`` is validated as an NIP (typed ``Nip``, optionally ``| None``)."""
    field = getattr(model, "model_fields", {}).get(name)
    if field is None:
        return False
    wanted = _nip_metadata()
    if any(m in wanted for m in field.metadata):
        return True
    return any(m in wanted for arg in getattr(field.annotation, "__args__", ())
               for m in getattr(arg, "__metadata__", ()))


def random_nip() -> str:
    """A well-formed NIP: born 1950-1999, appointed 2015-2025."""
    return (f"19{random.randint(50, 99)}0{random.randint(1, 9)}1{random.randint(0, 9)}"
            f"20{random.randint(15, 25)}0{random.randint(1, 9)}{random.randint(1, 2)}{random.randint(1, 999):03d}")


class EventFactory(ModelFactory[Any]):
    """Random instances, with a well-formed NIP wherever a field is validated as one."""

    __is_base_factory__ = True

    @classmethod
    def get_field_value(cls, field_meta: Any, field_build_parameters: Any = None, build_context: Any = None) -> Any:
        if is_nip_field(cls.__model__, field_meta.name):
            return random_nip()
        return super().get_field_value(field_meta, field_build_parameters, build_context)
