"""Triage suggestions (issue 3 item 7): the shipped model, its NumPy arithmetic, the CLI, storage at intake."""

import csv
import io
import json
import shutil

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from riskgate.intake import services
from riskgate.intake.importers import read_csv, run_import
from riskgate.intake.models import RiskInformation
from riskgate.intake.triage import features, lexicon, model, training
from riskgate.intake.triage.linear import LinearModel


@pytest.fixture(scope="module")
def decisions(django_db_blocker):
    from django.conf import settings

    return settings.RISKGATE_SHARED_DATA / "rasff" / "rasff_risk_decision_2024.csv"


@pytest.mark.db_independent
def test_numpy_prediction_equals_scikit_learn(decisions):
    """The exported model reproduces scikit-learn's probabilities, one at a time and in a batch."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [row for _line, row in read_csv(decisions)][:800]
    records = [features.from_risk_decision_row(r) for r in rows]
    for labels in ([r["risk_decision"] == "serious" for r in rows], [r["category"] for r in rows]):
        vectorizer = TfidfVectorizer(analyzer=features.serious_features, sublinear_tf=True, min_df=2)
        x = vectorizer.fit_transform(records)
        classifier = LogisticRegression(C=2.0, max_iter=3000).fit(x, labels)
        exported = LinearModel.from_sklearn(vectorizer, classifier)
        expected = classifier.predict_proba(x[:50])
        one_by_one = np.array([exported.probabilities(features.serious_features(r)) for r in records[:50]])
        batch = np.array(exported.probabilities_many([features.serious_features(r) for r in records[:50]]))
        assert np.allclose(one_by_one, expected, atol=1e-5)
        assert np.allclose(batch, expected, atol=1e-5)
    assert exported.probabilities(["w:nothing-the-model-knows"]) is None


@pytest.mark.db_independent
def test_the_shipped_model_loads_and_refuses_tampered_files(tmp_path):
    shipped = model.shipped()
    assert shipped.version.startswith("rasff-2024@") and 0.2 <= shipped.threshold <= 0.8
    assert shipped.evaluation["serious"]["ours"]["f1"] > shipped.evaluation["serious"]["baseline"]["f1"]
    for name in ("rasff-2024.npz", "rasff-2024.json"):
        shutil.copy(model.MODEL_DIR / name, tmp_path / name)
    data = bytearray((tmp_path / "rasff-2024.npz").read_bytes())
    data[100] ^= 0xFF
    (tmp_path / "rasff-2024.npz").write_bytes(bytes(data))
    with pytest.raises(model.ModelFileError):
        model.read(tmp_path)
    with pytest.raises(model.ModelFileError):
        model.read(tmp_path / "missing")


@pytest.mark.db_independent
def test_suggestions_make_sense_on_real_notifications():
    shipped = model.shipped()
    salmonella = shipped.suggest(features.Record(text="Salmonella enteritidis in chicken fillets from Poland"))
    assert salmonella.hazard_category == "pathogenic micro-organisms"
    assert salmonella.product_category == "poultry meat and poultry meat products"
    aflatoxin = shipped.suggest(features.Record(text="Aflatoxins in pistachios from Türkiye", kind="food"))
    assert aflatoxin.hazard_category == "mycotoxins"
    assert shipped.suggest(features.Record(text="")) is None
    # What the models never learned gets no suggestion rather than the class priors.
    assert shipped.suggest(features.Record(text="Power bank overheats and catches fire while charging")) is None
    assert shipped.suggest(features.Record(text="锂电池移动电源起火")) is None
    # A text naming a hazard agent they learned has a basis, however few of its other words they know.
    clams = shipped.suggest(features.Record(text="Salmonella in smooth clams"))
    assert clams is not None and clams.hazard_category == "pathogenic micro-organisms"


@pytest.mark.db_independent
def test_chinese_reports_are_read_through_the_projects_lexicon():
    shipped = model.shipped()
    assert lexicon.english("进口冷冻鸡胸肉检出沙门氏菌") == "frozen chicken breast salmonella"
    assert lexicon.english("单核细胞增生李斯特菌") == "listeria monocytogenes"  # the longest term, once
    assert lexicon.english("Salmonella in clams") == ""
    chicken = shipped.suggest(features.Record(text="进口冷冻鸡胸肉检出沙门氏菌"))
    assert chicken.hazard_category == "pathogenic micro-organisms"
    assert chicken.product_category == "poultry meat and poultry meat products"
    pistachios = shipped.suggest(features.Record(text="开心果中黄曲霉毒素超标"))
    assert pistachios.hazard_category == "mycotoxins" and pistachios.serious
    assert lexicon.agents_named("锂电池移动电源起火") == []


@pytest.mark.db_independent
def test_the_shipped_serious_probability_is_calibrated_as_its_file_says():
    shipped = model.shipped()
    a, b = shipped.calibration
    assert a > 0 and (a, b) != (1.0, 0.0)
    record = features.from_risk_decision_row(
        {"subject": "Listeria monocytogenes in cheese from France", "hazards": "listeria monocytogenes"}
    )
    raw = shipped.serious.probabilities(features.serious_features(record))[shipped.serious.classes.index("serious")]
    suggestion = shipped.suggest(record)
    assert suggestion.p_serious == pytest.approx(1 / (1 + np.exp(-(a * np.log(raw / (1 - raw)) + b))))
    assert suggestion.serious == (suggestion.p_serious >= shipped.threshold)


def _run_cli(path, tmp_path, name):
    out = tmp_path / name
    call_command("triage", str(path), output=str(out))
    return list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))


@pytest.mark.db_independent
def test_cli_triages_a_whole_export_without_reading_the_decision(decisions, tmp_path):
    rows = list(csv.DictReader(io.StringIO(decisions.read_text(encoding="utf-8-sig"))))[:300]
    fields = list(rows[0])
    original, scrambled = tmp_path / "original.csv", tmp_path / "scrambled.csv"
    for path, scramble in ((original, False), (scrambled, True)):
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                if scramble:
                    row = {**row, "classification": "alert notification", "risk_decision": "serious"}
                writer.writerow(row)
    first = _run_cli(original, tmp_path, "a.csv")
    second = _run_cli(scrambled, tmp_path, "b.csv")
    assert first == second, "the classification and risk_decision columns are never read"
    assert first[0] == ["reference", "hazard_category", "product_category", "p_serious", "serious"]
    assert [line[0] for line in first[1:]] == [r["reference"] for r in rows]
    threshold = model.shipped().threshold
    for line in first[1:]:
        if line[3]:
            assert (float(line[3]) >= threshold) == (line[4] == "1")
    flagged = sum(line[4] == "1" for line in first[1:])
    assert 0 < flagged < len(rows)


@pytest.mark.db_independent
def test_cli_rejects_bad_input_clearly(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("triage", str(tmp_path / "nope.csv"))
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Reference,Product\n2024.1,Chicken\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns: reference, subject"):
        call_command("triage", str(wrong))
    short = tmp_path / "short.csv"
    short.write_text("reference,subject,hazards,origin\n2024.1,Salmonella in chicken from Poland\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    call_command("triage", str(short), output=str(out))  # missing cells are empty, not a crash
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("2024.1,pathogenic micro-organisms,")


def test_suggestions_are_stored_at_intake_with_model_version(world, decisions):
    office = world.org("gacc-warning-office")
    rows = list(read_csv(decisions))[:200]
    run_import("rasff-risk-2024", decisions, organisation=office, rows=rows)
    stored = RiskInformation.objects.exclude(triage={})
    assert stored.count() >= 180, "about 5 % of RASFF rows have too few known words for a suggestion"
    version = model.shipped().version
    for info in stored[:50]:
        assert info.triage["model"] == version
        assert 0.0 <= info.triage["p_serious"] <= 1.0
        assert info.triage["serious"] == (info.triage["p_serious"] >= info.triage["threshold"])
        assert info.triage["hazard_category"] and info.triage["product_category"]
    # An officer's entry gets a suggestion too, shown on its page as a suggestion only.
    info = services.create_information(
        world.user("xian"),
        data={
            "source_type": "foreign_government",
            "channel": "officer_entry",
            "title": "Salmonella in frozen chicken breast fillets from Brazil",
            "hazard_types": ["biological"],
        },
    )
    assert info.triage["hazard_category"] == "pathogenic micro-organisms"
    page = world.client_for("xian").get(f"/intake/{info.pk}/").content.decode()
    assert "pathogenic micro-organisms" in page and version in page
    api = world.client_for("xian").get(f"/api/v1/intake/information/{info.pk}").json()
    assert api["triage"]["model"] == version


@pytest.mark.db_independent
def test_time_split_serious_f1_beats_the_baseline(decisions):
    """What bench/triage prints, fitted and scored here: each month scored by models of the months before it, the
    serious class at least 0.03 above the baseline (issue 31's floor) and better calibrated."""
    results = training.evaluate(decisions.parent)
    serious = results["serious"]
    assert [f["month"] for f in serious["folds"]] == [f"2024-{m:02d}" for m in range(7, 13)]
    assert all(f["train"] < f2["train"] for f, f2 in zip(serious["folds"], serious["folds"][1:], strict=False))
    assert serious["ours"]["f1"] >= serious["baseline"]["f1"] + 0.03, json.dumps(serious)
    assert serious["ours"]["brier"] < serious["baseline"]["brier"]
    assert results["hazard_category"]["ours_macro_f1"] > results["hazard_category"]["baseline_macro_f1"]
