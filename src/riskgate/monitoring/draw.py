"""The double-random draw (双随机): which enterprises are checked and which inspectors check each, reproducible by
anyone from the published seed and pool snapshot. No Django: the verification tool (`riskgate verify-draw`) and a
reader's own script use the same code, and the procedure is simple enough to re-implement from this text.

The procedure, exactly:
1. The **snapshot** is a JSON object: `enterprises` (codes, sorted), `inspectors` (codes, sorted), `ties`
   (`[inspector, enterprise]` pairs, sorted), `count` (how many enterprises to check) and `per_check` (inspectors
   per enterprise), plus descriptive fields. Its **hash** is the SHA-256 of its canonical form (keys sorted, no
   spaces, UTF-8).
2. The **random stream** is SHA-256 in counter mode: the i-th 64-bit number (i = 0, 1, …) is the first 8 bytes,
   big-endian, of SHA-256(seed bytes ‖ snapshot hash bytes ‖ i as 8 bytes big-endian). A number below n is drawn
   by rejection: numbers at or above the largest multiple of n below 2⁶⁴ are skipped; the result is the number
   modulo n. So the selection depends on the seed *and* the snapshot: changing the pool after the seed is known
   changes everything.
3. The enterprises are shuffled by Fisher–Yates (i from the last position down to 1, swap with j = draw(i + 1)).
4. Walking the shuffled enterprises, each gets `per_check` inspectors: for each place, among the inspectors not
   tied to the enterprise and not already chosen for it, those with the fewest checks so far are the candidates
   (the work is spread evenly) and one of them is drawn. An enterprise for which fewer than `per_check` untied
   inspectors exist is passed over (listed as `passed_over`). The walk stops when `count` enterprises are chosen.
"""

import hashlib
import json
from dataclasses import dataclass, field


class DrawError(ValueError):
    """A snapshot that cannot be drawn from (said in one line)."""


def canonical(snapshot: dict) -> bytes:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def snapshot_hash(snapshot: dict) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()


class Stream:
    """The counter-mode SHA-256 random numbers of step 2."""

    def __init__(self, seed: str, digest: str):
        try:
            self.key = bytes.fromhex(seed) + bytes.fromhex(digest)
        except ValueError as exc:
            raise DrawError("the seed and the snapshot hash must be hexadecimal") from exc
        if not seed:
            raise DrawError("the seed is empty")
        self.counter = 0

    def next64(self) -> int:
        block = hashlib.sha256(self.key + self.counter.to_bytes(8, "big")).digest()
        self.counter += 1
        return int.from_bytes(block[:8], "big")

    def below(self, n: int) -> int:
        if n < 1:
            raise DrawError("cannot draw from an empty set")
        limit = (1 << 64) - (1 << 64) % n
        while True:
            x = self.next64()
            if x < limit:
                return x % n


@dataclass
class Result:
    selection: list[dict] = field(default_factory=list)  # [{"enterprise": code, "inspectors": [codes]}], in order
    passed_over: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"selection": self.selection, "passed_over": self.passed_over}


def check(snapshot: dict) -> None:
    for key in ("enterprises", "inspectors", "ties", "count", "per_check"):
        if key not in snapshot:
            raise DrawError(f"the snapshot has no '{key}'")
    enterprises, inspectors = snapshot["enterprises"], snapshot["inspectors"]
    if enterprises != sorted(set(enterprises)) or inspectors != sorted(set(inspectors)):
        raise DrawError("the snapshot's enterprises and inspectors must be sorted and distinct")
    if not isinstance(snapshot["count"], int) or not isinstance(snapshot["per_check"], int):
        raise DrawError("count and per_check must be whole numbers")
    if snapshot["count"] < 1 or snapshot["per_check"] < 1:
        raise DrawError("count and per_check must be at least 1")
    if any(not isinstance(t, list) or len(t) != 2 for t in snapshot["ties"]):
        raise DrawError("each tie must be a pair [inspector, enterprise]")


def draw(snapshot: dict, seed: str) -> Result:
    """The selection the snapshot and the seed determine (steps 2–4)."""
    check(snapshot)
    stream = Stream(seed, snapshot_hash(snapshot))
    order = list(snapshot["enterprises"])
    for i in range(len(order) - 1, 0, -1):
        j = stream.below(i + 1)
        order[i], order[j] = order[j], order[i]
    tied: dict[str, set[str]] = {}
    for inspector, enterprise in snapshot["ties"]:
        tied.setdefault(enterprise, set()).add(inspector)
    load = dict.fromkeys(snapshot["inspectors"], 0)
    result = Result()
    per_check = snapshot["per_check"]
    for enterprise in order:
        if len(result.selection) == snapshot["count"]:
            break
        free = [i for i in snapshot["inspectors"] if i not in tied.get(enterprise, ())]
        if len(free) < per_check:
            result.passed_over.append(enterprise)
            continue
        chosen: list[str] = []
        for _place in range(per_check):
            open_ = [i for i in free if i not in chosen]
            least = min(load[i] for i in open_)
            candidates = [i for i in open_ if load[i] == least]
            pick = candidates[stream.below(len(candidates))]
            chosen.append(pick)
            load[pick] += 1
        result.selection.append({"enterprise": enterprise, "inspectors": chosen})
    return result


def verify(snapshot: dict, seed: str, *, digest: str, selection: list[dict]) -> list[str]:
    """What is wrong with a published draw (empty when it verifies): the snapshot's hash and the selection."""
    problems = []
    if snapshot_hash(snapshot) != digest:
        problems.append(f"the snapshot's SHA-256 is {snapshot_hash(snapshot)}, not the published {digest}")
    if draw(snapshot, seed).selection != selection:
        problems.append("the selection drawn from the seed and the snapshot differs from the published selection")
    return problems


def main(argv: list[str]) -> int:
    """`riskgate verify-draw --snapshot FILE --seed HEX [--hash HEX]`: recompute a published draw offline.

    Prints the snapshot's SHA-256, then one line per enterprise drawn (`position,enterprise,inspectors` with the
    inspectors separated by spaces) and the enterprises passed over; with --hash, exits 1 when the snapshot's
    SHA-256 is not the published one. Every error is one line on standard error (exit status 2)."""
    import argparse
    import sys

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            raise DrawError(message)

    parser = Parser(prog="riskgate verify-draw", description="Recompute a published double-random draw.")
    parser.add_argument("--snapshot", required=True, help="the snapshot file as published (JSON)")
    parser.add_argument("--seed", required=True, help="the published seed (hexadecimal)")
    parser.add_argument("--hash", default="", help="the published SHA-256 of the snapshot, to check")
    try:
        options = parser.parse_args(argv)
        try:
            with open(options.snapshot, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise DrawError(f"cannot read {options.snapshot}: {exc.strerror}") from exc
        try:
            snapshot = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DrawError(f"{options.snapshot} is not JSON: {exc}") from exc
        if not isinstance(snapshot, dict):
            raise DrawError(f"{options.snapshot} does not hold a JSON object")
        result = draw(snapshot, options.seed.strip().lower())
    except DrawError as exc:
        print(f"riskgate verify-draw: {exc}", file=sys.stderr)
        return 2
    digest = snapshot_hash(snapshot)
    print(f"sha256,{digest}")
    for position, chosen in enumerate(result.selection, start=1):
        print(f"{position},{chosen['enterprise']},{' '.join(chosen['inspectors'])}")
    for enterprise in result.passed_over:
        print(f"passed_over,{enterprise},")
    if options.hash and options.hash.strip().lower() != digest:
        print(f"riskgate verify-draw: the snapshot's SHA-256 is {digest}, not {options.hash}", file=sys.stderr)
        return 1
    return 0
