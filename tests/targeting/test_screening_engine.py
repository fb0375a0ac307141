"""The screening engine (riskgate.targeting.engine) against the straightforward evaluator on random rules and
items (hypothesis), the edges of the exchange format one by one, the format's errors, and the command line."""

import datetime as dt
import gc
import hashlib
import itertools
import json
import math
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from riskgate.targeting.engine import (
    Engine,
    FormatError,
    exchange,
    fast,
    naive,
    parse_item,
    parse_policy,
    parse_rule,
    selected,
)
from riskgate.targeting.engine.fast import Batch
from riskgate.targeting.engine.sql import SqlScreen, keyword_groups

pytestmark = pytest.mark.db_independent
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HS_CODES = [
    "8507600090",
    "8507",
    "85076000",
    "850710",
    "9503001000",
    "95030010",
    "0402210000",
    "9401",
    "940171",
    "3304990000",
    "8711600090",
]
WORDS = [
    "锂电池",
    "召回",
    "Power Bank",
    "STRASSE",
    "straße",
    "ß",
    "ss",
    "İstanbul",
    "i̇",
    "Ǆ",
    "ǆ",
    "toy",
    "TOY",
    "Ὀδυσσεύς",
    "ΣΊΣΥΦΟΣ",
    "ς",
    "玩具",
    "",
]
COUNTRIES = ["CN", "DE", "US", "VN", "TR"]
ENTERPRISES = ["E1", "E2", "E3", "E4"]
PORTS = ["CNSHA", "CNNGB", "CNSZX"]
BASE = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
MOMENTS = [BASE + dt.timedelta(hours=h) for h in (-48, -1, 0, 1, 48)]
OFFSETS = [dt.UTC, dt.timezone(dt.timedelta(hours=8)), dt.timezone(dt.timedelta(hours=-5, minutes=-30))]
VALUES = [0, 99.5, 100, 100.0001, 5000]


def _moment(draw) -> str:
    moment = draw(st.sampled_from(MOMENTS)).astimezone(draw(st.sampled_from(OFFSETS)))
    return moment.isoformat()


@st.composite
def rules(draw, index: int):
    rule = {
        "id": draw(st.sampled_from([index, f"R{index}", f"规则{index}"])),
        "action": draw(st.sampled_from(["reject", "hold", "inspect", "sample", "document_check"])),
    }
    if draw(st.booleans()):
        rule["direction"] = draw(st.sampled_from(["import", "export", "any"]))
    for name, pool in (("origin_countries", COUNTRIES), ("enterprise_ids", ENTERPRISES), ("ports", PORTS)):
        if draw(st.integers(0, 2)):  # missing, empty, or some entries
            rule[name] = draw(st.lists(st.sampled_from(pool), max_size=2, unique=True))
    if draw(st.integers(0, 3)):
        prefixes = st.sampled_from(HS_CODES).flatmap(lambda code: st.integers(2, len(code)).map(lambda n: code[:n]))
        rule["hs_prefixes"] = draw(st.lists(prefixes, max_size=3))
    if draw(st.integers(0, 3)) == 0:
        rule["keywords"] = draw(st.lists(st.sampled_from([w for w in WORDS if w]), max_size=2))
    if draw(st.booleans()):
        rule["min_value"] = draw(st.sampled_from(VALUES))
    if draw(st.booleans()):
        rule["max_value"] = max(draw(st.sampled_from(VALUES)), rule.get("min_value", 0))
    if draw(st.booleans()):
        rule["valid_from"] = _moment(draw)
    if draw(st.booleans()):
        end = _moment(draw)
        if "valid_from" not in rule or dt.datetime.fromisoformat(end) > dt.datetime.fromisoformat(rule["valid_from"]):
            rule["valid_to"] = end
    if rule["action"] == "sample" or draw(st.booleans()):
        rule["sampling_rate"] = draw(st.sampled_from([0, 0.3, 0.5, 1]))
    return rule


@st.composite
def items(draw, n: int, ten_digits: bool = False):
    """One item; with `ten_digits` its HS code has ten digits (a batch of only those takes the engine's faster
    reading of the codes)."""
    codes = [c for c in HS_CODES if len(c) == 10] if ten_digits else [c for c in HS_CODES if len(c) >= 4] + ["0101"]
    words = draw(st.lists(st.sampled_from(WORDS), max_size=4))
    return {
        "declaration_id": draw(st.sampled_from(["D1", "D2", "报关单3"])),
        "item_no": n,
        "direction": draw(st.sampled_from(["import", "export"])),
        "hs_code": draw(st.sampled_from(codes + ["8507600010"])),
        "origin_country": draw(st.sampled_from(COUNTRIES)),
        "enterprise_ids": draw(st.lists(st.sampled_from(ENTERPRISES), max_size=2)),
        "port": draw(st.sampled_from(PORTS)),
        "description": " ".join(w.upper() if draw(st.booleans()) else w for w in words),
        "value": draw(st.sampled_from(VALUES)),
        "declared_at": _moment(draw),
    }


@st.composite
def cases(draw):
    count = draw(st.integers(0, 25))
    rule_list = [parse_rule(draw(rules(i))) for i in range(count)]
    ten_digits = draw(st.booleans())
    item_list = [parse_item(draw(items(n, ten_digits))) for n in range(1, draw(st.integers(1, 15)) + 1)]
    return rule_list, item_list


@st.composite
def policies(draw):
    grades = {"advanced": draw(st.sampled_from([0, 0.2, 1])), "regular": 1, "dishonest": draw(st.sampled_from([2, 5]))}
    return {
        "id": draw(st.sampled_from([1, "P2", "政策3"])),
        "grade_factors": grades,
        "default_grade": "regular",
        "enterprise_grades": draw(st.dictionaries(st.sampled_from(ENTERPRISES), st.sampled_from(sorted(grades)))),
        "commodity_factors": draw(
            st.dictionaries(
                st.sampled_from(HS_CODES).flatmap(lambda code: st.integers(2, len(code)).map(lambda n: code[:n])),
                st.sampled_from([0, 0.5, 2, 3]),
                max_size=3,
            )
        ),
        "random_rate": draw(st.sampled_from([0, 0.1, 0.5, 1])),
        "min_random_rate": draw(st.sampled_from([0, 0.05, 0.3])),
        "random_action": draw(st.sampled_from(["inspect", "sample", "document_check"])),
    }


# Both keyword scanners: Hyperscan where it is built (x86-64), pyahocorasick everywhere.
SCANNERS = [
    "pyahocorasick",
    pytest.param(
        "hyperscan", marks=pytest.mark.skipif(fast.hyperscan is None, reason="Hyperscan is not built for this platform")
    ),
]


@pytest.mark.parametrize("scanner", SCANNERS)
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), policies())
def test_under_a_supervision_policy_the_engine_decides_what_the_straightforward_evaluator_decides(
    scanner, case, policy
):
    rule_list, item_list = case
    policy = parse_policy(policy)
    engine = Engine(rule_list, policy, keyword_backend=scanner)
    assert engine.screen(item_list) == [naive.screen(rule_list, item, policy) for item in item_list]


@pytest.mark.parametrize("scanner", SCANNERS)
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_engine_decides_what_the_straightforward_evaluator_decides(scanner, case):
    rule_list, item_list = case
    engine = Engine(rule_list, keyword_backend=scanner)
    assert engine.screen(item_list) == [naive.screen(rule_list, item) for item in item_list]
    assert engine.screen(item_list) == engine.screen(item_list)  # the remembered HS look-ups change nothing


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_engine_finds_the_pairs_the_duckdb_peer_finds(case):
    """The bench's peer (engine/sql.py, one DuckDB query) and the engine: the same (item, rule) pairs before sampling,
    the same results after it. The hypothesis words clash (ß casefolds to ss, which strasse holds), so the peer
    splits its keyword alternation into groups here."""
    rule_list, item_list = case
    engine, peer = Engine(rule_list), SqlScreen(rule_list, threads=1)
    peer.load(item_list)
    items_, rules_ = peer.query()
    assert sorted((items_ * max(len(rule_list), 1) + rules_).tolist()) == engine.match(Batch(item_list)).tolist()
    assert peer.screen(item_list) == engine.screen(item_list)


def test_the_duckdb_peer_finds_the_engines_pairs_on_the_benchs_data():
    """Many keywords, none clashing: one alternation scanned once per description, and every HS length, anchor and
    check of the bench's distribution."""
    sys.path.insert(0, str(ROOT / "bench" / "screening"))
    try:
        from run import generate
    finally:
        sys.path.remove(str(ROOT / "bench" / "screening"))
    rule_list, item_list = generate(2_000, 20_000, seed=31)
    engine, peer = Engine(rule_list), SqlScreen(rule_list, threads=2)
    assert len(peer.groups) == 1 and len(peer.groups[0]) > 100
    peer.load(item_list)
    items_, rules_ = peer.query()
    found = sorted((items_ * len(rule_list) + rules_).tolist())
    batches = [(offset, Batch(item_list[offset : offset + 5_000])) for offset in range(0, len(item_list), 5_000)]
    pairs = [key + offset * len(rule_list) for offset, batch in batches for key in engine.match(batch).tolist()]
    assert len(found) > 1_000 and found == pairs
    assert peer.screen(item_list) == engine.screen(item_list)


def test_keywords_that_clash_are_scanned_in_different_groups():
    keywords = ["ab", "bc", "abc", "x", "ss", "strasse", "b"]
    groups = keyword_groups(keywords)
    assert sorted(k for group in groups for k in group) == sorted(keywords)
    for group in groups:
        for a, b in itertools.combinations(group, 2):
            assert a not in b and b not in a
            assert not any(a.endswith(b[:k]) or b.endswith(a[:k]) for k in range(1, min(len(a), len(b))))
    assert keyword_groups(["acme00001", "kiddo00002", "星河00003"]) == [["acme00001", "kiddo00002", "星河00003"]]


@pytest.mark.parametrize("scanner", SCANNERS)
def test_a_keyword_counts_only_inside_one_description(scanner):
    """The batch's descriptions are scanned joined: a keyword spanning two of them, or a separator character
    inside one, a lone surrogate (JSON allows one), a keyword met twice or one byte long at the start of a
    description changes nothing."""
    keywords = ["ab", "召回", "xx", "\ud800x", "y"]
    descriptions = ["a", "ba", "b", "x\x00y", "\ud800x", "召", "回", "召回 召回", "xxx", "", "yes"]
    item_list = [_item(item_no=n + 1, description=d) for n, d in enumerate(descriptions)]
    for with_nul in (False, True):  # a keyword with a NUL character: Hyperscan cannot take it
        rule_list = [
            parse_rule({"id": n, "action": "inspect", "keywords": [k]})
            for n, k in enumerate(keywords + ["b\x00a", "\x00"] * with_nul)
        ]
        engine = Engine(rule_list, keyword_backend=scanner)
        assert engine._keywords.backend == ("pyahocorasick" if with_nul else scanner)
        expected = [naive.screen(rule_list, item) for item in item_list]
        assert engine.screen(item_list) == expected
        assert [r["matched_rules"] for r in expected] == [
            (),
            (),
            (),
            (4, 6) if with_nul else (4,),
            (3,),
            (),
            (),
            (1,),
            (2,),
            (),
            (4,),
        ]
        for item, result in zip(item_list, expected, strict=True):  # one at a time, the same
            assert engine.screen([item]) == [result]


def test_an_unknown_or_missing_keyword_scanner_is_refused(monkeypatch):
    rule_list = [parse_rule({"id": 1, "action": "hold", "keywords": ["x"]})]
    with pytest.raises(ValueError, match="unknown keyword scanner 'regex'"):
        Engine(rule_list, keyword_backend="regex")
    monkeypatch.setattr(fast, "hyperscan", None)  # as on a platform it is not built for
    with pytest.raises(ValueError, match="'hyperscan' is not installed"):
        Engine(rule_list, keyword_backend="hyperscan")
    assert Engine(rule_list)._keywords.backend == "pyahocorasick"
    assert Engine(rule_list).screen([_item(description="x")])[0]["matched_rules"] == (1,)


def _item(**changes):
    data = {
        "declaration_id": "D1",
        "item_no": 1,
        "direction": "import",
        "hs_code": "8507600090",
        "origin_country": "CN",
        "enterprise_ids": ["E1"],
        "port": "CNSHA",
        "description": "Lithium power bank",
        "value": 100,
        "declared_at": "2026-06-01T00:00:00Z",
    }
    return parse_item({**data, **changes})


def _screen(rule: dict, item) -> dict:
    parsed = parse_rule({"id": "R", "action": "inspect", **rule})
    expected = naive.screen([parsed], item)
    assert Engine([parsed]).screen([item])[0] == expected
    return expected


@pytest.mark.parametrize(
    ("rule", "hit"),
    [
        ({}, True),  # no criterion: every item
        ({"hs_prefixes": [], "origin_countries": [], "keywords": []}, True),  # empty lists set no criterion
        ({"hs_prefixes": ["85"]}, True),
        ({"hs_prefixes": ["8507600090"]}, True),  # all ten digits
        ({"hs_prefixes": ["85076000901"[:10], "9503"]}, True),
        ({"hs_prefixes": ["8508"]}, False),
        ({"hs_prefixes": ["9503", "8507"]}, True),  # any entry of a list
        ({"origin_countries": ["DE"]}, False),
        ({"origin_countries": ["DE", "CN"]}, True),
        ({"enterprise_ids": ["E2"]}, False),
        ({"ports": ["CNSHA"], "enterprise_ids": ["E9", "E1"]}, True),
        ({"direction": "export"}, False),
        ({"direction": "any"}, True),
        ({"min_value": 100}, True),  # bounds are inclusive
        ({"max_value": 100}, True),
        ({"min_value": 100.01}, False),
        ({"max_value": 99.99}, False),
        ({"valid_from": "2026-06-01T00:00:00Z"}, True),  # valid_from ≤ declared_at
        ({"valid_from": "2026-06-01T08:00:00+08:00"}, True),  # the same instant, another offset
        ({"valid_from": "2026-06-01T00:00:00.000001Z"}, False),
        ({"valid_to": "2026-06-01T00:00:00Z"}, False),  # declared_at < valid_to
        ({"valid_to": "2026-06-01T08:00:00.000001+08:00"}, True),
        ({"keywords": ["POWER"]}, True),  # casefolded substrings
        ({"keywords": ["bank power"]}, False),
        ({"hs_prefixes": ["85"], "origin_countries": ["CN"], "keywords": ["lithium"], "min_value": 1}, True),
    ],
)
def test_each_criterion_and_its_edges(rule, hit):
    assert bool(_screen(rule, _item())["matched_rules"]) is hit


@pytest.mark.parametrize(
    ("keyword", "description", "hit"),
    [
        ("ß", "STRASSE", True),  # ß casefolds to ss
        ("STRASSE", "Hauptstraße 1", True),
        ("straße", "STRASSE", True),
        ("召回", "产品召回通知", True),
        ("锂电池", "锂电 池", False),
        ("ΣΊΣΥΦΟΣ", "σίσυφος", True),  # final sigma casefolds to σ
        ("ǅ", "Ǆ", True),
        ("İ", "i̇stanbul", True),  # İ casefolds to i + combining dot above
        ("İ", "istanbul", False),
    ],
)
def test_keywords_match_as_casefolded_unicode_substrings(keyword, description, hit):
    assert bool(_screen({"keywords": [keyword]}, _item(description=description))["matched_rules"]) is hit


def test_results_hold_shared_tuples_and_are_not_tracked_by_the_cyclic_collector():
    """Engine._finish: an item no rule hits has the empty tuple, one only one rule hits that rule's own tuple,
    shared, so their result dicts are not tracked by the cyclic collector (holding many costs collections
    nothing); an item several rules hit has a tuple of its own."""
    engine = Engine(
        [
            parse_rule({"id": "A", "action": "inspect", "keywords": ["toy"]}),
            parse_rule({"id": "B", "action": "hold", "keywords": ["toy car"]}),
        ]
    )
    gc.collect()  # the engine's one-id tuples are untracked at the collector's first look at them
    released, alone, both = engine.screen(
        [
            _item(item_no=1, description="pen"),
            _item(item_no=2, description="toy"),
            _item(item_no=3, description="toy car"),
        ]
    )
    assert (released["matched_rules"], alone["matched_rules"], both["matched_rules"]) == ((), ("A",), ("A", "B"))
    assert alone["matched_rules"] is engine.screen([_item(item_no=4, description="a toy")])[0]["matched_rules"]
    assert not gc.is_tracked(released) and not gc.is_tracked(alone)


def test_strongest_action_wins_and_ids_come_sorted():
    rule_list = [
        parse_rule({"id": rule_id, "action": action})
        for rule_id, action in [("b", "document_check"), (10, "inspect"), ("a", "hold"), (2, "sample")]
    ]
    result = Engine(rule_list).screen([_item()])[0]
    assert result == {"declaration_id": "D1", "item_no": 1, "matched_rules": (2, 10, "a", "b"), "action": "hold"}
    assert Engine([]).screen([_item()])[0]["action"] == "release"


def test_sampling_is_reproducible_and_near_its_rate():
    rule = parse_rule({"id": "S1", "action": "sample", "sampling_rate": 0.2})
    engine = Engine([rule])
    chosen = [engine.screen([_item(item_no=n)])[0]["action"] == "sample" for n in range(1, 5001)]
    assert 900 < sum(chosen) < 1100  # 20 % of 5,000 within ±2 %
    again = [selected("D1", n, "S1", 0.2) for n in range(1, 5001)]
    assert chosen == again  # the same decision from (declaration, item, rule) alone
    assert not any(selected("D1", n, "S1", 0) for n in range(1, 200))
    assert all(selected("D1", n, "S1", 1) for n in range(1, 200))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"hs_code": "85O7"}, "hs_code"),  # a letter O
        ({"hs_code": "850"}, "hs_code"),
        ({"hs_code": 8507}, "hs_code"),
        ({"origin_country": "XX"}, "origin_country"),
        ({"origin_country": "cn"}, "origin_country"),
        ({"value": "100"}, "value"),
        ({"value": -1}, "value"),
        ({"item_no": 0}, "item_no"),
        ({"item_no": True}, "item_no"),
        ({"declared_at": "2026-06-01T00:00:00"}, "declared_at"),  # no offset
        ({"declared_at": "yesterday"}, "declared_at"),
        ({"direction": "any"}, "direction"),  # items go one way
        ({"enterprise_ids": "E1"}, "enterprise_ids"),
        ({"enterprise_ids": ["E1", 2]}, "enterprise_ids[1]"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_items_name_their_field(data, field):
    good = {
        "declaration_id": "D1",
        "item_no": 1,
        "direction": "import",
        "hs_code": "8507600090",
        "origin_country": "CN",
        "port": "CNSHA",
        "value": 1,
        "declared_at": "2026-06-01T00:00:00Z",
    }
    with pytest.raises(FormatError) as error:
        parse_item({**good, **data})
    assert error.value.field == field


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"hs_prefixes": ["8"]}, "hs_prefixes[0]"),
        ({"hs_prefixes": ["85", "85a"]}, "hs_prefixes[1]"),
        ({"hs_prefixes": ["85076000901"]}, "hs_prefixes[0]"),  # eleven digits
        ({"origin_countries": ["ZZ"]}, "origin_countries[0]"),
        ({"action": "arrest"}, "action"),
        ({"sampling_rate": 1.5}, "sampling_rate"),
        ({"min_value": 10, "max_value": 5}, "max_value"),
        ({"valid_from": "2026-06-02T00:00:00Z", "valid_to": "2026-06-01T00:00:00Z"}, "valid_to"),
        ({"id": ""}, "id"),
        ({"id": 1.5}, "id"),
        ({"priority": 1}, "priority"),
    ],
)
def test_bad_rules_name_their_field(data, field):
    with pytest.raises(FormatError) as error:
        parse_rule({"id": "R1", "action": "inspect", **data})
    assert error.value.field == field


def test_a_rule_id_used_twice_is_refused():
    with pytest.raises(ValueError, match="'R1' appears more than once"):
        Engine([parse_rule({"id": "R1", "action": "hold"}), parse_rule({"id": "R1", "action": "inspect"})])


def test_the_engine_imports_without_django():
    code = "import sys, riskgate.targeting.engine; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert out.strip() == "[]"


def _write(tmp_path, rules_data, lines):
    (tmp_path / "rules.json").write_text(json.dumps(rules_data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "items.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [
        str(BIN / "riskgate"),
        "screen",
        "--rules",
        str(tmp_path / "rules.json"),
        "--items",
        str(tmp_path / "items.jsonl"),
    ]
    return subprocess.run(command, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})  # noqa: S603


GOOD_ITEM = {
    "declaration_id": "D1",
    "item_no": 1,
    "direction": "import",
    "hs_code": "8507600090",
    "origin_country": "CN",
    "enterprise_ids": ["E1"],
    "port": "CNSHA",
    "description": "锂电池 power bank",
    "value": 100,
    "declared_at": "2026-06-01T00:00:00Z",
}


def test_command_line_writes_one_result_per_item(tmp_path):
    rules_data = [
        {"id": "R1", "hs_prefixes": ["8507"], "action": "hold"},
        {"id": "R2", "keywords": ["锂电池"], "action": "inspect"},
        {"id": "R3", "origin_countries": ["DE"], "action": "reject"},
    ]
    lines = [
        json.dumps(GOOD_ITEM, ensure_ascii=False),
        "",
        json.dumps({**GOOD_ITEM, "item_no": 2, "hs_code": "9503001000", "description": "toy"}),
    ]
    run = _write(tmp_path, rules_data, lines)
    assert run.returncode == 0, run.stderr
    assert [json.loads(line) for line in run.stdout.splitlines()] == [
        {"declaration_id": "D1", "item_no": 1, "matched_rules": ["R1", "R2"], "action": "hold"},
        {"declaration_id": "D1", "item_no": 2, "matched_rules": [], "action": "release"},
    ]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"hs_code": "85A7600090"}, "items.jsonl: line 3: field hs_code: an HS code is 4–10 digits"),
        ({"origin_country": "XX"}, "items.jsonl: line 3: field origin_country: not an ISO 3166-1 alpha-2"),
        ({"value": "100"}, "items.jsonl: line 3: field value: expected a number, got a string"),
        ({"weight": 3}, "items.jsonl: line 3: field weight: unknown field"),
    ],
)
def test_command_line_stops_at_a_bad_line_naming_it_and_writes_nothing(tmp_path, bad, message):
    lines = [json.dumps(GOOD_ITEM), json.dumps({**GOOD_ITEM, "item_no": 2}), json.dumps({**GOOD_ITEM, **bad})]
    run = _write(tmp_path, [{"id": "R1", "action": "hold"}], lines)
    assert run.returncode == 2 and run.stdout == ""
    assert message in run.stderr


def test_command_line_names_a_bad_rule(tmp_path):
    run = _write(
        tmp_path,
        [{"id": "R1", "action": "hold"}, {"id": "R2", "action": "hold", "hs_prefixes": ["8x"]}],
        [json.dumps(GOOD_ITEM)],
    )
    assert run.returncode == 2 and "rules.json: rule 2 (id 'R2'): field hs_prefixes[0]" in run.stderr
    run = _write(tmp_path, {"rules": []}, [json.dumps(GOOD_ITEM)])
    assert run.returncode == 2 and "expected a JSON array of rules" in run.stderr
    (tmp_path / "rules.json").write_text("[{", encoding="utf-8")
    command = [str(BIN / "riskgate"), "screen", "--rules", str(tmp_path / "rules.json"), "--items", "-"]
    run = subprocess.run(command, capture_output=True, text=True, input="")  # noqa: S603
    assert run.returncode == 2 and "rules.json: not JSON" in run.stderr


@example(0.0)
@given(st.floats(0, 1))
def test_selection_depends_only_on_its_inputs(rate):
    assume(0 <= rate <= 1)
    assert selected("D", 1, "R", rate) == selected("D", 1, "R", rate)


def _draw(declaration, item_no, rule_id) -> int:
    digest = hashlib.blake2b(f"{declaration}\x1f{item_no}\x1f{rule_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@given(
    st.text(max_size=20),
    st.integers(1, 10**6),
    st.one_of(st.integers(), st.text(max_size=10)),
    st.one_of(st.floats(0, 1), st.floats(0, 1e-3)),
)
def test_selection_is_the_draw_below_the_rate_as_documented(declaration, item_no, rule_id, rate):
    expected = rate >= 1 or (rate > 0 and _draw(declaration, item_no, rule_id) < rate * 2**64)  # exact int < float
    assert selected(declaration, item_no, rule_id, rate) is expected


@given(st.floats(0, 1, exclude_min=True, exclude_max=True))
def test_the_kept_threshold_is_the_least_whole_number_not_below_the_rate(rate):
    """`selected` compares the digest's bytes with ⌈rate × 2⁶⁴⌉ instead of converting it to a number."""
    assert int.from_bytes(exchange._below(rate), "big") == math.ceil(Fraction(rate) * 2**64)


def test_a_draw_equal_to_the_rate_is_not_selected():
    """At the boundary: a draw that is exactly rate × 2⁶⁴ (its low 11 bits zero, so the quotient is a float)."""
    item_no = next(n for n in range(1, 100_000) if _draw("D", n, "R") % 2048 == 0)
    rate = _draw("D", item_no, "R") / 2**64
    assert Fraction(rate) * 2**64 == _draw("D", item_no, "R")
    assert not selected("D", item_no, "R", rate)
    assert selected("D", item_no, "R", math.nextafter(rate, 1))


@given(st.sets(st.integers(0, 2**63 - 1), max_size=300), st.lists(st.integers(0, 2**63 - 1), max_size=50))
@example(set(), [0, 5])
@example({n << 58 for n in range(32)}, [0, 1 << 58, 7])  # keys that share a bucket at first: the table doubles
def test_the_hs_key_table_finds_exactly_the_keys_it_holds(keys, others):
    """The engine's hash table of HS keys against a dict: every key it holds found with its position, nothing
    else found, whatever the keys' spread (buckets overflowing at first included)."""
    keys = list(keys)
    table = fast._Table(keys)
    position = {key: n for n, key in enumerate(keys)}
    asked = keys + others + keys[:10]
    present, values = table.find(np.array(asked, np.uint64))
    expected = [(k, position[key]) for k, key in enumerate(asked) if key in position]
    assert list(zip(present.tolist(), values.tolist(), strict=True)) == expected
    assert table._keys.shape[1] == fast._Table.SLOTS


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(cases())
def test_retro_screening_finds_what_the_rule_would_have_matched(tmp_path, case):
    """The SQL a rule becomes finds, in a Parquet history, exactly the items the rule matches (its validity
    and sampling aside: retro-screening looks back)."""
    import dataclasses

    from riskgate.targeting.engine.retro import retro_screen, write_history

    rule_list, item_list = case
    history = tmp_path / "history"
    shutil.rmtree(history, ignore_errors=True)  # the directory is shared by hypothesis' examples
    half = len(item_list) // 2
    write_history(item_list[:half], history, "part-1")  # a history of several parts
    write_history(item_list[half:], history, "part-2")
    for rule in rule_list:
        timeless = dataclasses.replace(rule, valid_from=None, valid_to=None)
        expected = sorted({(i.declaration_id, i.item_no) for i in item_list if naive.matches(timeless, i)})
        assert retro_screen(rule, history) == expected, rule
        assert retro_screen(rule, history / "by_hs" / "part-1.parquet") == sorted(
            {(i.declaration_id, i.item_no) for i in item_list[:half] if naive.matches(timeless, i)}
        )


def test_retro_screening_within_a_period(tmp_path):
    from riskgate.targeting.engine.retro import retro_screen, write_history

    items_ = [_item(item_no=n, declared_at=f"2026-06-0{n}T00:00:00+08:00") for n in range(1, 6)]
    write_history(items_, tmp_path)
    since, until = dt.datetime(2026, 6, 2, tzinfo=dt.UTC), dt.datetime(2026, 6, 3, 16, tzinfo=dt.UTC)
    for rule in (
        parse_rule({"id": "R", "action": "inspect", "hs_prefixes": ["8507"], "keywords": ["LITHIUM"]}),
        parse_rule({"id": "R", "action": "inspect", "enterprise_ids": ["E1", "E9"]}),  # read from by_enterprise
    ):
        assert retro_screen(rule, tmp_path, since=since, until=until) == [("D1", 3)]
        assert len(retro_screen(rule, tmp_path)) == 5


POLICY = {
    "id": 7,
    "grade_factors": {"advanced": 0.2, "regular": 1, "dishonest": 3},
    "default_grade": "regular",
    "enterprise_grades": {"AEO1": "advanced", "BAD1": "dishonest"},
    "commodity_factors": {"9503": 2},
    "random_rate": 0.05,
    "min_random_rate": 0.01,
    "random_action": "inspect",
}


def _stream(n: int, **changes) -> list:
    return [parse_item({**_item_data(), "declaration_id": f"D{i}", **changes}) for i in range(n)]


def _item_data() -> dict:
    return {
        "declaration_id": "D",
        "item_no": 1,
        "direction": "import",
        "hs_code": "8507600090",
        "origin_country": "CN",
        "enterprise_ids": [],
        "port": "CNSHA",
        "description": "",
        "value": 10,
        "declared_at": "2026-06-01T00:00:00Z",
    }


@pytest.mark.parametrize(
    ("enterprise", "hs_code", "rule_rate", "expected_sample", "expected_random"),
    [
        ("REG1", "8507600090", 0.3, 0.3, 0.05),  # regular grade, no commodity record: the rates as set
        ("AEO1", "8507600090", 0.3, 0.06, 0.01),  # advanced: a fifth, the random rate floored at its minimum
        ("BAD1", "8507600090", 0.3, 0.9, 0.15),  # dishonest: three times
        ("BAD1", "9503001000", 0.3, 1.0, 0.3),  # dishonest and a poor commodity record: capped at 1
    ],
)
def test_supervision_scales_sampling_and_random_selection(
    enterprise, hs_code, rule_rate, expected_sample, expected_random
):
    policy = parse_policy(POLICY)
    items = _stream(20_000, enterprise_ids=[enterprise], hs_code=hs_code)
    assert policy.factor(items[0]) * rule_rate == pytest.approx(expected_sample) or expected_sample == 1.0
    sampled = Engine([parse_rule({"id": "S", "action": "sample", "sampling_rate": rule_rate})], policy).screen(items)
    share = sum(r["action"] == "sample" for r in sampled) / len(items)
    assert share == pytest.approx(expected_sample, abs=0.015)
    randoms = Engine([], policy).screen(items)
    share = sum(r.get("random", False) for r in randoms) / len(items)
    assert share == pytest.approx(expected_random, abs=0.01)
    assert all(r["action"] == "inspect" and r["matched_rules"] == () for r in randoms if r.get("random"))


def test_random_selection_is_reproducible_and_only_for_items_no_rule_hits():
    policy = parse_policy({**POLICY, "random_rate": 1})
    items = _stream(50)
    hit = Engine([parse_rule({"id": "R", "action": "document_check"})], policy).screen(items)
    assert all(r["matched_rules"] == ("R",) and "random" not in r for r in hit)
    first = Engine([], parse_policy(POLICY)).screen(_stream(2000))
    assert first == Engine([], parse_policy(POLICY)).screen(_stream(2000))
    chosen = [r for r in first if r.get("random")]
    assert chosen and all(selected(r["declaration_id"], 1, "random:7", 0.05) for r in chosen)
    # Another policy version draws afresh: the selection is tied to the version that made it.
    other = Engine([], parse_policy({**POLICY, "id": 8})).screen(_stream(2000))
    assert {r["declaration_id"] for r in other if r.get("random")} != {r["declaration_id"] for r in chosen}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"default_grade": "gold"}, "default_grade"),
        ({"enterprise_grades": {"X": "gold"}}, "enterprise_grades.X"),
        ({"commodity_factors": {"95A3": 2}}, "commodity_factors.95A3"),
        ({"commodity_factors": {"9503": -1}}, "commodity_factors.9503"),
        ({"grade_factors": {"regular": "1"}, "default_grade": "regular"}, "grade_factors.regular"),
        ({"random_rate": 1.5}, "random_rate"),
        ({"random_action": "release"}, "random_action"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_policies_name_their_field(change, field):
    with pytest.raises(FormatError) as error:
        parse_policy({**POLICY, **change})
    assert error.value.field == field


def test_command_line_applies_a_policy(tmp_path):
    (tmp_path / "policy.json").write_text(json.dumps({**POLICY, "random_rate": 1}), encoding="utf-8")
    (tmp_path / "rules.json").write_text("[]", encoding="utf-8")
    (tmp_path / "items.jsonl").write_text(json.dumps(_item_data()) + "\n", encoding="utf-8")
    args = ["--rules", str(tmp_path / "rules.json"), "--items", str(tmp_path / "items.jsonl")]
    run = subprocess.run(
        [BIN / "riskgate", "screen", *args, "--policy", str(tmp_path / "policy.json")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(run.stdout) == {
        "declaration_id": "D",
        "item_no": 1,
        "matched_rules": [],
        "action": "inspect",
        "random": True,
    }
    (tmp_path / "policy.json").write_text(json.dumps({**POLICY, "random_rate": "high"}), encoding="utf-8")
    run = subprocess.run(
        [BIN / "riskgate", "screen", *args, "--policy", str(tmp_path / "policy.json")], capture_output=True, text=True
    )
    assert run.returncode == 2 and "field random_rate" in run.stderr


@pytest.mark.parametrize("bad", [{"x": 1}, ["a"], 3])
def test_a_policy_naming_a_grade_by_something_other_than_text_is_a_format_error(bad):
    """Found by schemathesis once the policy body was documented (issue 24 item 15): a TypeError, not a 422."""
    from riskgate.targeting.engine import FormatError, parse_policy

    policy = {"id": 1, "grade_factors": {"regular": 1.0}, "default_grade": bad}
    with pytest.raises(FormatError, match="default_grade"):
        parse_policy(policy)
    with pytest.raises(FormatError, match="enterprise_grades"):
        parse_policy({**policy, "default_grade": "regular", "enterprise_grades": {"E1": bad}})
