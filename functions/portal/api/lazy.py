"""Lazy references: name a module's attribute now, import the module at first use.

Every function instance imports ``main.py`` whole, so a route declaration must not
import its feature's service or pydantic models. A feature's routes module says::

    if TYPE_CHECKING:
        from . import models as m, service
    else:
        m, service = lazy("portal.approvals.models"), lazy("portal.approvals.service")

The type checker sees the real modules; at run time ``m.DecisionIn`` is a reference
that :func:`resolve` turns into the class, and ``service.decide(...)`` imports the
service on its first call.
"""

from __future__ import annotations

import importlib
from typing import Any


class Lazy:
    """A reference to ``module`` (or to ``module.attr``), resolved once, on first use."""

    __slots__ = ("_attr", "_children", "_module", "_target")

    def __init__(self, module: str, attr: str | None = None) -> None:
        self._module, self._attr = module, attr
        self._target: Any = None
        self._children: dict[str, Lazy] = {}

    def resolve(self) -> Any:
        if self._target is None:
            target: Any = importlib.import_module(self._module)
            self._target = target if self._attr is None else getattr(target, self._attr)
        return self._target

    def __getattr__(self, name: str) -> Lazy:
        if name.startswith("__"):
            raise AttributeError(name)
        if self._attr is not None:
            raise AttributeError(f"{self!r} names an attribute; resolve it first")
        child = self._children.get(name)
        if child is None:
            child = self._children[name] = Lazy(self._module, name)
        return child

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"lazy({self._module}{':' + self._attr if self._attr else ''})"


def lazy(reference: str) -> Any:
    """``"package.module"`` or ``"package.module:attr"``, imported on first use."""
    module, _, attr = reference.partition(":")
    return Lazy(module, attr or None)


def resolve(value: Any) -> Any:
    """The object a lazy reference names (anything else is returned as it is)."""
    return value.resolve() if isinstance(value, Lazy) else value
