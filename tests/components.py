"""Looking into the Dash component trees callbacks return, for callback tests."""

from __future__ import annotations

from typing import Any


def find_component(component: Any, component_id: str) -> Any:
    """The component with ``component_id`` under ``component`` (depth first), or None."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find_component(child, component_id)
            if found is not None:
                return found
    return None
