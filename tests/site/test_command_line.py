"""The offline command-line tools in a fresh shell (issue 25 item 8): no server settings, no environment at all,
every error one line on standard error with exit status 2, never a traceback."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BIN = Path(sys.executable).parent
BARE = {"PATH": "/usr/bin:/bin"}  # what `env -i` leaves: no SECRET_KEY, no RISKGATE_DEV, no DJANGO_SETTINGS_MODULE

pytestmark = pytest.mark.db_independent


def _riskgate(*args, cwd):
    return subprocess.run(  # noqa: S603
        [str(BIN / "riskgate"), *args], capture_output=True, text=True, env=BARE, cwd=cwd, timeout=120
    )


def test_the_readmes_triage_line_works_in_a_bare_shell(tmp_path):
    export = settings.RISKGATE_SHARED_DATA / "rasff" / "rasff_risk_decision_2024.csv"
    sample = tmp_path / "sample.csv"
    sample.write_text("".join(export.read_text(encoding="utf-8-sig").splitlines(keepends=True)[:51]), encoding="utf-8")
    done = _riskgate("triage", str(sample), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = list(csv.reader(io.StringIO(done.stdout)))
    assert lines[0] == ["reference", "hazard_category", "product_category", "p_serious", "serious"] and len(lines) == 51
    assert done.stderr.strip().startswith("50 rows triaged with rasff-2024@")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("triage", "missing.csv"), "riskgate triage: 文件不存在 / no such file: missing.csv"),
        (("triage",), "riskgate triage: Error: the following arguments are required: file"),
        (("triage", "wrong.csv"), "riskgate triage: 缺少列 / missing columns: reference, subject"),
        (("screen", "--rules", "rules.json", "--items", "bad.jsonl"), "riskgate screen: bad.jsonl: line 1: not JSON"),
        (("detect", "--input", "series.csv"), "riskgate detect: the following arguments are required: --method"),
        (("detect", "--method", "bogus", "--input", "series.csv"), "riskgate detect: unknown method 'bogus' (known:"),
        (("detect", "--method", "earsC", "--input", "none.csv"), "riskgate detect: none.csv: cannot read:"),
        (("detect", "--method", "earsC", "--input", "wrong.csv"), "riskgate detect: wrong.csv: no 'observed' column"),
        (
            ("detect", "--method", "earsC", "--input", "series.csv", "--param", "alpha=2"),
            "riskgate detect: alpha: must be in (0, 1)",
        ),
        (
            ("detect", "--method", "earsC", "--input", "series.csv", "--param", "lambda=2"),
            "riskgate detect: earsC has no parameter lambda (it takes method, alpha, baseline, minSigma)",
        ),
        (
            ("detect", "--method", "earsC", "--input", "series.csv", "--range", "2:9"),
            "riskgate detect: range starts at week 2, but this method needs 7 earlier weeks: start at 8 or later",
        ),
        (("detect", "--method", "cusum", "--input", "series.csv", "--range", "x"), "riskgate detect: --range 'x':"),
        (("detect", "--method", "cusum", "--input", "gap.csv"), "riskgate detect: gap.csv: line 3: weeks must be"),
        (("detect", "--method", "cusum", "--input", "minus.csv"), "riskgate detect: minus.csv: line 2: observed '-1'"),
    ],
)
def test_a_bad_input_is_one_line_and_exit_status_2(tmp_path, args, message):
    (tmp_path / "wrong.csv").write_text("Reference,Product\n2024.1,Chicken\n", encoding="utf-8")
    (tmp_path / "rules.json").write_text("[]", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"declaration_id": \n', encoding="utf-8")
    (tmp_path / "series.csv").write_text("week,observed\n" + "".join(f"{n},{n % 3}\n" for n in range(1, 11)))
    (tmp_path / "gap.csv").write_text("date,observed\n2024-01-01,1\n2024-01-09,2\n", encoding="utf-8")
    (tmp_path / "minus.csv").write_text("date,observed\n2024-01-01,-1\n", encoding="utf-8")
    done = _riskgate(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith(message), done.stderr
    assert "Traceback" not in done.stderr


def test_an_unexpected_failure_is_one_line_too(tmp_path):
    sample = tmp_path / "sample.csv"
    sample.write_text("reference,subject\n2024.1,Salmonella in chicken\n", encoding="utf-8")
    done = _riskgate("triage", str(sample), "--output", str(tmp_path / "no" / "such" / "dir.csv"), cwd=tmp_path)
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == f"riskgate triage: FileNotFoundError: [Errno 2] No such file or directory: '{tmp_path}/no/such/dir.csv'"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--roles", "nobody"), "error: unknown nobody (known: anonymous, admin, warning"),
        (("--devices", "tablet"), "error: unknown tablet (known: desktop, phone)"),
    ],
)
def test_the_screenshot_command_says_what_is_wrong_in_one_line(args, message, tmp_path):
    script = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(script), *args], capture_output=True, text=True, env=BARE, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 2 and done.stderr.startswith(message), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_detect_reproduces_the_reference_in_a_bare_shell(tmp_path):
    """`riskgate detect` on the reference's input: the improved Farrington method on Salmonella Newport in Germany,
    2011 (weeks 366–417), one line per week with the reference's alarms, bounds and expected values."""
    shared = settings.RISKGATE_SHARED_DATA / "surveillance" / "reference_outputs"
    params = [
        "b=4", "w=3", "noPeriods=10", "weightsThreshold=2.58", "pastWeeksNotIncluded=26", "pThresholdTrend=1",
        "thresholdMethod=nbPlugin", "alpha=0.05", "limit54=0,4",
    ]  # fmt: skip
    args = ["detect", "--method", "farringtonFlexible", "--input", str(shared / "INPUT_salmNewportGermany.csv")]
    for param in params:
        args += ["--param", param]
    done = _riskgate(*args, "--range", "366:417", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    with (shared / "salmNewportDE2011_farringtonFlexible_noufaily_nbPlugin_limit54off.csv").open() as handle:
        reference = list(csv.DictReader(handle))
    assert [r["index"] for r in rows] == [str(n) for n in range(366, 418)]
    assert [r["alarm"] for r in rows] == [r["alarm"] for r in reference]
    assert [float(r["upperbound"]) for r in rows] == [float(r["upperbound"]) for r in reference]
    for ours, theirs in zip(rows, reference, strict=True):
        assert abs(float(ours["expected"]) - float(theirs["expected"])) <= 1e-9 * float(theirs["expected"])


def test_detect_takes_glrnbs_in_control_means_from_the_file(tmp_path):
    """The GLR's own unit test through the command line: counts and in-control means from the file."""
    shared = settings.RISKGATE_SHARED_DATA / "surveillance" / "reference_outputs"
    with (shared / "glrnb_unittest_input_and_expected.csv").open() as handle:
        reference = list(csv.DictReader(handle))
    series = tmp_path / "series.csv"
    series.write_text("index,observed,mu0\n" + "".join(f"{r['t']},{r['x']},{r['mu0']}\n" for r in reference))
    done = _riskgate("detect", "--method", "glrnb", "--input", "series.csv", "--param", "alpha=0.2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["alarm"] for r in rows] == [r["alarm"] for r in reference]
    for ours, theirs in zip(rows, reference, strict=True):
        assert abs(float(ours["upperbound"]) - float(theirs["upperbound"])) <= 1e-9 * max(
            1, float(theirs["upperbound"])
        )
    refused = _riskgate("detect", "--method", "earsC", "--input", "series.csv", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip() == "riskgate detect: series.csv: the mu0 column is read by glrnb only, not by earsC"


def test_verify_draw_recomputes_a_published_draw_in_a_bare_shell(tmp_path):
    """Issue 27.4: anyone recomputes a draw from the published snapshot file and seed, without the server."""
    from riskgate.monitoring import draw

    snapshot = {"enterprises": ["e1", "e2", "e3", "e4"], "inspectors": ["i1", "i2", "i3"], "ties": [["i1", "e2"]],
                "count": 3, "per_check": 2, "title": "抽查"}  # fmt: skip
    path = tmp_path / "snapshot.json"
    path.write_bytes(draw.canonical(snapshot))
    digest = draw.snapshot_hash(snapshot)
    done = _riskgate("verify-draw", "--snapshot", str(path), "--seed", "ab" * 16, "--hash", digest, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    expected = draw.draw(snapshot, "ab" * 16).selection
    lines = done.stdout.splitlines()
    assert lines[0] == f"sha256,{digest}"
    assert lines[1:] == [f"{n},{s['enterprise']},{' '.join(s['inspectors'])}" for n, s in enumerate(expected, 1)]
    wrong = _riskgate("verify-draw", "--snapshot", str(path), "--seed", "ab" * 16, "--hash", "0" * 64, cwd=tmp_path)
    assert wrong.returncode == 1 and wrong.stderr.strip().startswith("riskgate verify-draw: the snapshot's SHA-256")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--snapshot", "missing.json", "--seed", "ab"), "riskgate verify-draw: cannot read missing.json"),
        (("--seed", "ab"), "riskgate verify-draw: the following arguments are required: --snapshot"),
        (("--snapshot", "bad.json", "--seed", "ab"), "riskgate verify-draw: bad.json is not JSON"),
        (("--snapshot", "list.json", "--seed", "ab"), "riskgate verify-draw: list.json does not hold a JSON object"),
        (("--snapshot", "partial.json", "--seed", "ab"), "riskgate verify-draw: the snapshot has no 'inspectors'"),
        (("--snapshot", "ok.json", "--seed", "xyz"), "riskgate verify-draw: the seed and the snapshot hash must be"),
    ],
)
def test_verify_draw_says_each_error_in_one_line(tmp_path, args, message):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    (tmp_path / "partial.json").write_text('{"enterprises": []}', encoding="utf-8")
    (tmp_path / "ok.json").write_text(
        '{"enterprises": ["a"], "inspectors": ["i"], "ties": [], "count": 1, "per_check": 1}', encoding="utf-8"
    )
    done = _riskgate("verify-draw", *args, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith(message) and len(done.stderr.strip().splitlines()) == 1


def test_detect_runs_the_rki_system_as_the_reference(tmp_path):
    """`riskgate detect --method rki` (RKI 3: b=2, w=4) on salmonella.agona, weeks 200–312: the reference's
    bounds and alarms."""
    data = settings.RISKGATE_SHARED_DATA / "surveillance"
    rows = list(csv.DictReader((data / "surveillance_datasets" / "salmonella.agona.csv").open()))
    series = tmp_path / "agona.csv"
    series.write_text("observed\n" + "".join(f"{r['observed_observed1']}\n" for r in rows), encoding="utf-8")
    done = _riskgate("detect", "--method", "rki", "--input", str(series), "--range", "200:312", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ours = list(csv.DictReader(io.StringIO(done.stdout)))
    with (data / "reference_outputs" / "agona_rki_b2w4.csv").open() as handle:
        reference = list(csv.DictReader(handle))
    assert [(float(r["upperbound"]), r["alarm"]) for r in ours] == [
        (float(r["upperbound"]), r["alarm"]) for r in reference
    ]
