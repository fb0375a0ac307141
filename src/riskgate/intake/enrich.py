"""What is derived from an item's content whenever it is stored: search tokens, similarity signature, triage.

Every path that creates or changes an item's content calls `prepare` (one item) or `prepare_many` (a batch;
the MinHash signatures are computed together, vectorised).
"""

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from functools import lru_cache
from itertools import chain
from types import SimpleNamespace

from django.utils import translation

from riskgate.core.search import tokens, with_stems
from riskgate.core.vocabulary import HazardType
from riskgate.intake.triage.features import from_information, significant
from riskgate.intake.triage.model import shipped

from . import similarity
from .models import RiskInformation, SourceType

DERIVED_FIELDS = ["search_tokens", "similarity_signature", "triage"]


SEARCH_FIELDS = (
    "title",
    "description",
    "title_zh",
    "description_zh",
    "product_name",
    "brand",
    "model",
    "batch",
    "product_category",
    "hazard_detail",
    "external_id",
)


@lru_cache(maxsize=1024)
def _label_tokens(source_type: str, hazard_types: tuple[str, ...]) -> tuple[str, ...]:
    """The labels of source and hazards in Chinese and English (so 召回 finds recalls whatever language is
    active when the item is indexed)."""
    labels = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels.append(str(SourceType(source_type).label))
            labels.extend(str(HazardType(h).label) for h in hazard_types)
    return tuple(tokens(" ".join(labels)))


def search_text_of(info: RiskInformation) -> str:
    """What the search index holds: the text and the labels."""
    return _derive(info)[0]


def _derive(info) -> tuple[str, list[str]]:
    """Each text field is segmented once; the search tokens and the words of the similarity text come from it."""
    found = {name: tokens(getattr(info, name) or "") for name in SEARCH_FIELDS}
    labels = _label_tokens(info.source_type, tuple(info.hazard_types or ()))
    search = " ".join(with_stems(chain(*found.values(), labels)))
    return search, found


# What derive_many reads of an item: a second process gets these (plain values) instead of the instance.
DERIVE_INPUTS = (*SEARCH_FIELDS, "source_type", "hazard_types", "notifying_country", "origin_countries", "source_data")


def derive_many(items: list) -> list[tuple[str, bytes, dict]]:
    """The derived values of each item: search tokens, similarity signature, triage suggestion."""
    if not items:
        return []
    shingle_sets, records, search = [], [], []
    for info in items:
        text, found = _derive(info)
        search.append(text)
        shingle_sets.append(
            similarity.shingles_of(significant(list(chain(*(found[f] for f in similarity.TEXT_FIELDS)))))
        )
        records.append(
            from_information(
                info,
                text_words=significant(found["title"] + found["product_name"] + found["description"]),
                hazard_words=significant(found["hazard_detail"]),
            )
        )
    suggestions = shipped().suggest_many(records)
    return [
        (text, signature.tobytes(), suggestion.as_dict() if suggestion else {})
        for text, signature, suggestion in zip(search, similarity.signatures(shingle_sets), suggestions, strict=True)
    ]


def apply_derived(items: list, derived: list[tuple[str, bytes, dict]]) -> None:
    for info, (text, signature, suggestion) in zip(items, derived, strict=True):
        info.search_tokens, info.similarity_signature, info.triage = text, signature, suggestion


def prepare_many(items: list) -> None:
    apply_derived(items, derive_many(items))


def prepare(info) -> None:
    prepare_many([info])


def _derive_inputs(inputs: list[dict]) -> list[tuple[str, bytes, dict]]:
    return derive_many([SimpleNamespace(**values) for values in inputs])


class _Done:
    def __init__(self, value):
        self._value = value

    def result(self):
        return self._value


def can_fork_worker() -> bool:
    """A second process helps only with a second CPU, and a daemon process (a Celery pool worker) may not
    start one."""
    return len(os.sched_getaffinity(0)) > 1 and not multiprocessing.current_process().daemon


@contextmanager
def deriver(processes: int = 1):
    """Yields submit(items), whose result() is derive_many(items). With processes > 1 (and can_fork_worker()),
    one forked worker process computes it while this process goes on with its database work; the worker uses
    no database connection and gets only DERIVE_INPUTS. Otherwise it is computed here, at once."""
    if processes <= 1 or not can_fork_worker():
        yield lambda items: _Done(derive_many(items))
        return
    shipped()  # loaded once, before the fork, so the worker shares it
    pool = ProcessPoolExecutor(
        max_workers=processes - 1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_detach_from_parent,
        initargs=(os.getpid(),),
    )
    with pool:
        # The worker starts now and loads jieba's dictionary while this process reads and maps the rows; this
        # process loads it only if it takes over a chunk.
        pool.submit(_warm_up)
        yield lambda items: _Shared(pool, items)


def _detach_from_parent(parent: int) -> None:
    """In the forked worker, first thing: die with the parent (a killed import leaves no orphan), and let go of
    the database connections inherited with the fork. The worker never uses them, but while it held their
    sockets a killed import's PostgreSQL session — and its open transaction and locks — outlived it, and the
    restarted import waited on those locks. Each socket is replaced by /dev/null (closing it here could send the
    server a goodbye on the parent's behalf, or let a later file take the number), and the wrapper forgets it."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker ends when the pool's pipe breaks
        pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    from django.db import connections

    null = os.open(os.devnull, os.O_RDWR)
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if raw is None:
            continue
        fileno = getattr(raw, "fileno", None)
        if callable(fileno):
            with suppress(OSError, ValueError, TypeError):
                os.dup2(null, fileno())
        connection.connection = None
    os.close(null)


def _warm_up() -> None:
    tokens("预热")


class _Shared:
    """derive_many(items) in chunks queued for the worker. When this process asks for the result, the chunks
    the worker has not started yet are cancelled and computed here, from the last one back: whichever process
    is free does the work, so a file with long texts (deriving slower than writing) keeps both CPUs busy."""

    CHUNKS = 8

    def __init__(self, pool: ProcessPoolExecutor, items: list):
        size = max(1, -(-len(items) // self.CHUNKS))
        self.chunks = [items[start : start + size] for start in range(0, len(items), size)]
        self.futures = [
            pool.submit(_derive_inputs, [{name: getattr(info, name) for name in DERIVE_INPUTS} for info in chunk])
            for chunk in self.chunks
        ]

    def result(self) -> list[tuple[str, bytes, dict]]:
        here = {}
        for index in reversed(range(len(self.futures))):
            if not self.futures[index].cancel():
                break  # the worker has it (or has done it)
            here[index] = derive_many(self.chunks[index])
        out = []
        for index, future in enumerate(self.futures):
            out += here[index] if index in here else future.result()
        return out
