"""The sources an import knows: each maps a row of its export to RiskInformation fields."""

from collections.abc import Callable
from dataclasses import dataclass

from .partner import map_partner
from .rasff import map_rasff, map_rasff_risk_decision
from .safety_gate import map_safety_gate
from .us_recalls import map_cpsc, map_fda, map_nhtsa


@dataclass(frozen=True)
class Source:
    key: str
    system: str
    label: str
    default_file: str
    mapper: Callable[[dict], tuple[str, dict]]
    secondary: bool = False  # enriches records of the same system; fills only empty fields


SOURCES = {
    s.key: s
    for s in [
        Source(
            "rasff", "RASFF", "EU RASFF notifications", "rasff/rasff_notifications_2020-01_to_2024-10.csv", map_rasff
        ),
        Source(
            "rasff-risk-2024",
            "RASFF",
            "EU RASFF 2024 risk decisions",
            "rasff/rasff_risk_decision_2024.csv",
            map_rasff_risk_decision,
            secondary=True,
        ),
        Source(
            "safety-gate",
            "SAFETY_GATE",
            "EU Safety Gate (motor vehicles)",
            "safety_gate/safety_gate_motor_vehicles.csv",
            map_safety_gate,
        ),
        Source("cpsc", "CPSC", "US CPSC recalls", "us_recalls/cpsc_recalls_2025-10_to_2026-04.csv", map_cpsc),
        Source(
            "fda", "FDA", "US FDA enforcement reports", "us_recalls/fda_enforcement_2026-01_to_2026-04.csv", map_fda
        ),
        Source("nhtsa", "NHTSA", "US NHTSA vehicle recalls", "us_recalls/nhtsa_recalls.csv", map_nhtsa),
        Source("partner", "PARTNER", "Partner agency / single window file", "", map_partner),
    ]
}
