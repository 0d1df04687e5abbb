"""The committed copies under ``docs/events``: generate, compare, and write them (refusing incompatible changes)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kinerja_kernel.catalog.asyncapi import asyncapi_document
from kinerja_kernel.catalog.compatibility import incompatibilities
from kinerja_kernel.catalog.markdown import chain_example, example_markdown, headers_markdown, types_markdown
from kinerja_kernel.catalog.published import archived_schema, published_models, schema_file_name
from kinerja_kernel.catalog.schema import catalog_entries, event_schema
from kinerja_kernel.catalog.streams import streams_markdown
from kinerja_kernel.registry import DomainEvent

README_SECTIONS = ("headers", "streams", "event-types", "worked-example")
_README_TEMPLATE = """# Kinerja event contract

## One record

<!-- catalog:headers -->
<!-- /catalog:headers -->

## Keys and streams

<!-- catalog:streams -->
<!-- /catalog:streams -->

## Event types

<!-- catalog:event-types -->
<!-- /catalog:event-types -->

## Worked example

<!-- catalog:worked-example -->
<!-- /catalog:worked-example -->
"""


def _json_text(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def generated_files(models: list[type[DomainEvent]] | None = None) -> dict[str, str]:
    """Every generated file under ``docs/events``, by relative path (README sections excluded)."""
    chosen = published_models() if models is None else models
    files = {f"schemas/{schema_file_name(m.event_type, m.event_version)}": _json_text(event_schema(m))
             for m in chosen}
    files.update({f"schemas/{schema_file_name(m.event_type, v)}": _json_text(archived_schema(m.event_type, v))
                  for m in chosen for v in range(1, m.event_version)})
    files["asyncapi.json"] = _json_text(asyncapi_document(chosen))
    files["catalog.json"] = _json_text(catalog_entries(chosen))
    files["examples/chain.json"] = _json_text(chain_example())
    return files


def readme_sections(models: list[type[DomainEvent]] | None = None) -> dict[str, str]:
    chosen = published_models() if models is None else models
    return {"headers": headers_markdown(), "streams": streams_markdown(), "event-types": types_markdown(chosen),
            "worked-example": example_markdown(chain_example())}


def render_readme(current: str, sections: Mapping[str, str]) -> str:
    """``current`` with each ``<!-- catalog:NAME -->`` .. ``<!-- /catalog:NAME -->`` block replaced."""
    text = current
    for name, body in sections.items():
        pattern = re.compile(rf"(<!-- catalog:{name} -->\n).*?(<!-- /catalog:{name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README has no <!-- catalog:{name} --> block")
        replacement = body.rstrip("\n") + "\n"
        text = pattern.sub(lambda m: f"{m[1]}{replacement}{m[2]}", text)  # noqa: B023 - used at once
    return text


def docs_differences(directory: Path) -> list[str]:
    """What differs between ``directory`` and what the generator produces now (relative paths)."""
    differences = []
    for relative, content in generated_files().items():
        path = directory / relative
        if not path.exists():
            differences.append(f"{relative}: missing")
        elif path.read_text(encoding="utf-8") != content:
            differences.append(f"{relative}: differs")
    readme = directory / "README.md"
    current = readme.read_text(encoding="utf-8") if readme.exists() else _README_TEMPLATE
    try:
        if render_readme(current, readme_sections()) != current:
            differences.append("README.md: generated sections differ")
    except ValueError as exc:
        differences.append(f"README.md: {exc}")
    return differences


def published_incompatibilities(directory: Path) -> dict[str, list[str]]:
    """Per committed schema file of a current version: how the generated schema breaks it."""
    found = {}
    for model in published_models():
        relative = f"schemas/{schema_file_name(model.event_type, model.event_version)}"
        path = directory / relative
        if path.exists():
            problems = incompatibilities(json.loads(path.read_text(encoding="utf-8")), event_schema(model))
            if problems:
                found[relative] = problems
    return found


def write_docs(directory: Path) -> list[str]:
    """Write the generated files (never deleting old versions' schemas); refuse incompatible changes."""
    broken = published_incompatibilities(directory)
    if broken:
        lines = [f"{path}: {problem}" for path, problems in broken.items() for problem in problems]
        raise IncompatibleSchemaChange(lines)
    written = []
    for relative, content in generated_files().items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            written.append(relative)
    readme = directory / "README.md"
    current = readme.read_text(encoding="utf-8") if readme.exists() else _README_TEMPLATE
    updated = render_readme(current, readme_sections())
    if updated != current or not readme.exists():
        readme.write_text(updated, encoding="utf-8")
        written.append("README.md")
    return written


class IncompatibleSchemaChange(Exception):
    """A published schema would change incompatibly: publish a new version with an upcaster instead."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
