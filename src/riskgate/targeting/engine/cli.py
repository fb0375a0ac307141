"""`riskgate screen --rules RULES.json --items ITEMS.jsonl [--policy POLICY.json]`: one result line per item on
standard output, no database. RULES.json is a JSON array of rules; ITEMS.jsonl has one declaration item per line
(blank lines are skipped; `-` reads standard input); POLICY.json is a differential-supervision policy. Every input
is checked before anything is written: a bad rule or line stops the run with a message naming the rule or line
and the field, and exit status 2."""

import argparse
import json
import sys

from .exchange import FormatError, parse_item, parse_rule
from .fast import Engine
from .supervision import parse_policy


class InputError(Exception):
    """A rules or items file that cannot be used; the message names the file, the rule or line, and the field."""


def _json(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not JSON: {exc}") from None


def read_policy(path: str | None):
    if path is None:
        return None
    try:
        return parse_policy(_json(path))
    except FormatError as exc:
        raise InputError(f"{path}: field {exc.field}: {exc.message}") from None


def read_rules(path: str, policy=None) -> list:
    data = _json(path)
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON array of rules")
    rules = []
    for n, entry in enumerate(data, 1):
        try:
            rules.append(parse_rule(entry))
        except FormatError as exc:
            named = f" (id {entry['id']!r})" if isinstance(entry, dict) and "id" in entry else ""
            raise InputError(f"{path}: rule {n}{named}: field {exc.field}: {exc.message}") from None
    try:
        return Engine(rules, policy)
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from None


def read_items(path: str) -> list:
    handle = sys.stdin if path == "-" else None
    try:
        handle = handle or open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    items = []
    try:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}: line {line_no}: not JSON: {exc.msg} (column {exc.colno})") from None
            try:
                items.append(parse_item(data))
            except FormatError as exc:
                raise InputError(f"{path}: line {line_no}: field {exc.field}: {exc.message}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    finally:
        if handle is not sys.stdin:
            handle.close()
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="riskgate screen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", required=True, help="JSON array of control rules")
    parser.add_argument("--items", required=True, help="declaration items, one JSON object per line (- : stdin)")
    parser.add_argument("--policy", help="differential-supervision policy, a JSON object (optional)")
    args = parser.parse_args(argv)
    try:
        engine = read_rules(args.rules, read_policy(args.policy))
        items = read_items(args.items)
    except InputError as exc:
        print(f"riskgate screen: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    batch = 10_000
    for start in range(0, len(items), batch):
        out.write("".join(dumps(result) + "\n" for result in engine.screen(items[start : start + batch])))
    out.flush()
    return 0
