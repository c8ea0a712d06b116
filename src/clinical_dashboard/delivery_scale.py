"""The population fraction of a delivery, and whether it is synthetic (issue 30, item 5).

A synthetic delivery at scale ``s`` (``clinical-dashboard generate --scale s``) holds ``s``
times the national volume: the events of a fraction ``s`` of the residents. Its rates are the
national ones only when the warehouse divides by the same fraction of the population, so the
delivery says which fraction it stands for, in its manifest ``_manifest.json``::

    {"synthetic": true, "population_fraction": 0.05, "files": [...]}

A real delivery has no such keys (or no manifest): fraction 1, not synthetic. A manifest of
the generator before it wrote the keys (``generator_version`` with ``settings.scale``) is
read as synthetic at that scale. The loader records both values with every file it loads
(``raw._deliveries``: ``population_fraction``, ``synthetic``); the warehouse reads them in one
model (``int_rate_population_fraction``). One warehouse holds one delivery set: files of
another fraction (or a real delivery beside a synthetic one) are refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class DeliveryScale:
    """What a delivery's events stand for: ``population_fraction`` of the residents."""

    population_fraction: float = 1.0
    synthetic: bool = False

    def describe(self) -> str:
        if not self.synthetic and self.population_fraction == 1.0:
            return "a real delivery (population fraction 1)"
        kind = "synthetic" if self.synthetic else "real"
        return f"a {kind} delivery of population fraction {self.population_fraction:g}"


#: The scale of a delivery without a manifest or without the keys: a real, national delivery.
REAL = DeliveryScale()


def scale_from_manifest(data: dict | None) -> DeliveryScale:
    """The scale a manifest states; :data:`REAL` for ``None`` (no manifest) or no keys.

    Raises :class:`ValueError` (the reason) for a fraction that is not a positive number, a
    ``synthetic`` that is not true or false, or a fraction that disagrees with the
    generator's ``settings.scale``.
    """
    if data is None:
        return REAL
    generated = "generator_version" in data
    settings = data.get("settings") if isinstance(data.get("settings"), dict) else {}
    fraction = data.get("population_fraction")
    scale = settings.get("scale") if generated else None
    for name, value in (("population_fraction", fraction), ("settings.scale", scale)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not math.isfinite(value) or value <= 0):
            raise ValueError(f'"{name}" is {value!r}, expected a positive number (the fraction of the '
                             "population whose events the delivery holds)")
    if fraction is not None and scale is not None and float(fraction) != float(scale):
        raise ValueError(f'"population_fraction" {fraction:g} disagrees with the generator\'s "settings.scale" '
                         f"{scale:g}: conflicting fractions")
    synthetic = data.get("synthetic", generated)
    if not isinstance(synthetic, bool):
        raise ValueError(f'"synthetic" is {synthetic!r}, expected true or false')
    chosen = fraction if fraction is not None else scale
    return DeliveryScale(float(chosen) if chosen is not None else 1.0, synthetic)


def recorded_scale(fraction: float | None, synthetic: bool | None) -> DeliveryScale:
    """The scale of a ledger row (rows written before the loader recorded it: a real delivery)."""
    return DeliveryScale(1.0 if fraction is None else float(fraction), bool(synthetic))


def conflicts(kept: dict[str, DeliveryScale], scale: DeliveryScale) -> dict[DeliveryScale, list[str]]:
    """Files that stay loaded (``kept``: file -> recorded scale) whose scale is not ``scale``, by scale."""
    found: dict[DeliveryScale, list[str]] = {}
    for rel, other in sorted(kept.items()):
        if other != scale:
            found.setdefault(other, []).append(rel)
    return found
