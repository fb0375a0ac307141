"""The in-memory public search index answers exactly what the database query (queries.public_warnings) answers,
on random warnings with adjustments, liftings and circulars, for random criteria, and follows new publications."""

import datetime as dt
import random

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskgate.accounts.models import Organisation, User
from riskgate.warnings import portal_index, queries
from riskgate.warnings.models import Change, Status, WarningNotice

WORDS = ["锂电池", "召回", "玩具", "沙门氏菌", "recall", "Lead", "折叠椅", "儿童", "电池", "ß", "STRASSE"]
CATEGORIES = ["玩具", "电器", "Food", "儿童用品", ""]
ORIGINS = ["CN", "DE", "US", "VN"]
HS = ["8507", "850760", "9503", "0402", "9401", "85"]
REGIONS = [[], ["610000"], ["610100", "440300"], ["310000"]]
KINDS = [["public_announcement"], ["business_notice", "agency_notice"], ["public_announcement", "agency_notice"]]
START = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)


def _version(rng, n, *, previous=None, change=Change.NEW, status=Status.PUBLISHED, kinds=None, when):
    office = Organisation.objects.get(code="gacc-warning-office")
    drafter = User.objects.get(username="warning")
    notice = WarningNotice(
        lineage_id=previous.lineage_id if previous else None,
        version=previous.version + 1 if previous else 1,
        supersedes=previous,
        change=change,
        status=status,
        level=rng.choice(["I", "II", "III", "IV"]),
        kinds=kinds or rng.choice(KINDS),
        hazard_type="physical",
        title=f"{rng.choice(WORDS)}{rng.choice(WORDS)} 风险 {n}",
        summary=" ".join(rng.sample(WORDS, 3)),
        product_category=rng.choice(CATEGORIES),
        hs_codes=rng.sample(HS, rng.randint(0, 2)),
        origin_countries=rng.sample(ORIGINS, rng.randint(0, 2)),
        regions=rng.choice(REGIONS),
        organisation=office,
        drafted_by=drafter,
        published_at=when,
        current=True,
    )
    notice.index()
    notice.save()
    if previous is None:
        WarningNotice.objects.filter(pk=notice.pk).update(lineage_id=notice.pk)
        notice.lineage_id = notice.pk
    else:
        WarningNotice.objects.filter(pk=previous.pk).update(current=False, status=Status.SUPERSEDED)
    return notice


def _history(rng, count, start, first=0):
    """`count` warnings published over days from `start`; some adjusted, some lifted, some turned circular."""
    when = start
    latest = []
    for n in range(first, first + count):
        when += dt.timedelta(hours=rng.randint(1, 30))
        latest.append(_version(rng, n, when=when))
    for notice in rng.sample(latest, count // 3):
        when += dt.timedelta(hours=rng.randint(1, 30))
        roll = rng.random()
        if roll < 0.4:
            _version(rng, 0, previous=notice, change=Change.ADJUSTED, when=when)
        elif roll < 0.7:
            _version(rng, 0, previous=notice, change=Change.LIFTED, status=Status.LIFTED, when=when)
        else:  # adjusted into a circular: off the public side
            _version(rng, 0, previous=notice, change=Change.ADJUSTED, kinds=["agency_notice"], when=when)
    return when


def _criteria():
    day = st.dates(min_value=dt.date(2025, 12, 30), max_value=dt.date(2026, 3, 1))
    return st.fixed_dictionaries(
        {},
        optional={
            "q": st.lists(st.sampled_from([*WORDS, "无此词", "lead"]), min_size=1, max_size=2).map(" ".join),
            "level": st.sampled_from(["I", "II", "III", "IV"]),
            "kind": st.sampled_from(["public_announcement", "business_notice", "agency_notice"]),
            "state": st.sampled_from(["active", "adjusted", "lifted"]),
            "category": st.sampled_from(["玩具", "food", "儿童", "电"]),
            "hs_chapter": st.sampled_from(["85", "8507", "850760", "95", "04", "99"]),
            "origin": st.sampled_from(["CN", "de", "US", "FR"]),
            "region": st.sampled_from(["610100", "440300", "310000", "110000"]),
            "since": day,
            "until": day,
        },
    )


def _expected(criteria):
    return list(queries.public_warnings(**criteria).values_list("id", flat=True))


def _found(criteria):
    result = portal_index.search(criteria)
    return [int(i) for i in result.ids]


@pytest.fixture
def history(world):
    rng = random.Random(7)
    _history(rng, 60, START)
    queries.forget_data_version()
    return rng


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(criteria=_criteria())
def test_index_answers_what_the_database_answers(history, criteria):
    assert _found(criteria) == _expected(criteria)


def test_index_follows_new_publications_adjustments_liftings_and_circulars(history):
    everything = _found({})
    assert everything == _expected({}) and len(everything) > 30
    # More warnings, then adjustments, liftings and circulars of old and new ones, read incrementally.
    latest = WarningNotice.objects.order_by("-published_at").first().published_at
    _history(history, 20, latest, first=100)
    queries.forget_data_version()
    for criteria in [{}, {"q": "召回"}, {"state": "lifted"}, {"state": "adjusted"}, {"origin": "CN", "q": "recall"}]:
        assert _found(criteria) == _expected(criteria), criteria
    assert len(_found({})) != len(everything) or _found({}) != everything


def test_a_page_reads_only_its_own_rows_newest_first(history, django_assert_num_queries):
    result = portal_index.search({"q": "召回"})
    expected = list(queries.public_warnings(q="召回"))
    assert len(result) == len(expected) > 20
    with django_assert_num_queries(1):
        page = result[5:10]
    assert [w.pk for w in page] == [w.pk for w in expected[5:10]]
    assert page[0].organisation.code == "gacc-warning-office"  # read with the page, no further query
    assert result[0].pk == expected[0].pk and result[-1].pk == expected[-1].pk


def test_words_no_warning_has_are_not_kept(history):
    portal_index.search({"q": "无此词"})
    for n in range(50):
        assert len(portal_index.search({"q": f"nosuchword{n}"})) == 0
    words = portal_index._index.postings["word"]
    assert not any(key.startswith("nosuchword") for key in [*words.lists, *words.arrays])


def test_an_empty_database_answers_nothing(world):
    assert len(portal_index.search({})) == 0
    assert len(portal_index.search({"q": "召回", "level": "I"})) == 0
    _version(random.Random(1), 1, when=timezone.now())
    queries.forget_data_version()
    assert len(portal_index.search({})) == 1


@pytest.mark.parametrize("bisection", [True, False])
def test_a_period_is_found_by_bisection_as_by_comparison(history, bisection):
    portal_index.search({})
    assert portal_index._index.days_sorted  # publication order: the dates never decrease
    portal_index._index.days_sorted = bisection
    days = [dt.date(2025, 12, 31), dt.date(2026, 1, 5), dt.date(2026, 1, 20), dt.date(2026, 3, 1)]
    for since in [None, *days]:
        for until in [None, *days]:
            criteria = {k: v for k, v in {"since": since, "until": until}.items() if v}
            assert _found(criteria) == _expected(criteria), criteria
