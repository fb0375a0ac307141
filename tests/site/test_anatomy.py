"""The house rules of docs/decisions/0013-app-anatomy.md, checked on the source itself with `ast`.

Each rule is a function over the project's import graph, so the same rule is run on the real tree and, in the
second half of this file, on small trees written to break it on purpose (each must be caught).
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import riskgate

pytestmark = pytest.mark.db_independent

SRC = Path(riskgate.__file__).parent

# The floors, bottom first. An app may import the apps below it, never one above it; `site` composes them all.
# The domain apps follow the direction their foreign keys point (a warning cites an assessment, which cites risk
# information): docs/decisions/0013-app-anatomy.md. A new app is placed here before it is written.
LAYERS = [
    "core",
    "accounts",
    "credit",
    "enforcement",
    "intake",
    "assessment",
    "monitoring",
    "warnings",
    "targeting",
    "tbt",
    "response",
    "trace",
    "archive",
    "insight",
    "site",
]

# Modules of the package root: entry points and configuration, above every app.
ROOT = "<root>"

# Where a project import may sit inside a function: tasks and demo loaders (which run after Django is set up and
# import what they drive), AppConfig.ready (Django's own place for it), and the entry points that run before
# Django is configured and must stay importable without it (the offline command line, gunicorn's configuration,
# the package's lazy Celery accessor).
LAZY_IMPORTS_ALLOWED = {"tasks", "demo", "apps"}
LAZY_IMPORT_MODULES = {"riskgate", "riskgate.cli", "riskgate.gunicorn_conf"}

# Django apps without tables (and so without reads to scope) need no queries.py.
APPS_WITHOUT_DATA = {"site"}


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted
    target: str  # imported project module, dotted
    line: int
    in_function: bool


@dataclass
class Tree:
    modules: dict[str, Path]  # dotted name -> file
    imports: list[Import]
    apps: dict[str, Path]  # Django apps (packages with an apps.py) -> folder


def read_tree(src: Path, package: str = "riskgate") -> Tree:
    modules: dict[str, Path] = {}
    for path in src.rglob("*.py"):
        parts = path.relative_to(src).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join((package, *parts))
        modules[name.removesuffix(".__init__")] = path
    imports = []
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node, in_function in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(name, is_package, node, modules):
                if target == package or target.startswith(package + "."):
                    imports.append(Import(name, target, node.lineno, in_function))
    apps = {p.parent.name: p.parent for p in src.glob("*/apps.py")}
    return Tree(modules, imports, apps)


def _import_nodes(tree: ast.AST):
    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, in_function
            else:
                inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                yield from walk(child, inner)

    yield from walk(tree, False)


def _targets(name: str, is_package: bool, node, modules) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module
    # `from package import module` names the module; `from module import name` names the module.
    return [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in modules else prefix for a in node.names]


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else ROOT


def layer_of(module: str) -> str:
    """What a module is, by its file name: models, queries, services, views, api, tasks… A module inside a
    package named for a layer (`services/measures.py`, `views/recalls.py`) belongs to that layer."""
    parts = module.split(".")[2:]
    for part in parts[:-1]:
        if part in {"services", "views", "api", "queries", "tasks", "models"}:
            return part
    return parts[-1] if parts else ""


def floor(app: str) -> int:
    if app == ROOT:
        return len(LAYERS)
    return LAYERS.index(app) if app in LAYERS else -1


# The rules. Each returns the offending imports (or names) as readable lines; empty means the rule holds.


def core_imports_no_domain_app(tree: Tree) -> list[str]:
    return [
        f"{i.source}:{i.line} imports {i.target}"
        for i in tree.imports
        if app_of(i.source) == "core" and app_of(i.target) not in ("core", ROOT)
    ] + [
        f"{i.source}:{i.line} imports {i.target}"
        for i in tree.imports
        if app_of(i.source) == "core" and app_of(i.target) == ROOT and i.target != "riskgate.celery"
    ]


def every_app_is_placed(tree: Tree) -> list[str]:
    return sorted(f"{app} is not in LAYERS" for app in tree.apps if app not in LAYERS)


def no_upstream_imports_downstream(tree: Tree) -> list[str]:
    return [
        f"{i.source}:{i.line} imports {i.target} ({app_of(i.source)} is below {app_of(i.target)})"
        for i in tree.imports
        if app_of(i.target) != ROOT and floor(app_of(i.source)) < floor(app_of(i.target))
    ]


def services_import_no_tasks(tree: Tree) -> list[str]:
    return [
        f"{i.source}:{i.line} imports {i.target}"
        for i in tree.imports
        if layer_of(i.source) == "services" and layer_of(i.target) == "tasks"
    ]


def views_use_only_their_own_app(tree: Tree) -> list[str]:
    """Views and the API read through their app's queries and write through its services; another app's
    models or services are reached through those, never directly (core, the ground floor, is shared)."""
    return [
        f"{i.source}:{i.line} imports {i.target}"
        for i in tree.imports
        if layer_of(i.source) in ("views", "api")
        and app_of(i.source) not in (ROOT, "site")
        and app_of(i.target) not in (app_of(i.source), "core", ROOT)
        and layer_of(i.target) in ("models", "services")
    ]


def views_read_through_queries(tree: Tree) -> list[str]:
    """Views and the API read through their app's queries (every read in one place, always scoped): no model
    manager is used in them."""
    found = []
    for name, path in tree.modules.items():
        if layer_of(name) not in ("views", "api") or app_of(name) in (ROOT, "site"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                found.append(f"{name}:{node.lineno} reads {ast.unparse(node)}")
    return found


def imports_at_module_top(tree: Tree) -> list[str]:
    return [
        f"{i.source}:{i.line} imports {i.target} inside a function"
        for i in tree.imports
        if i.in_function and layer_of(i.source) not in LAZY_IMPORTS_ALLOWED and i.source not in LAZY_IMPORT_MODULES
    ]


def every_app_has_queries(tree: Tree) -> list[str]:
    return sorted(
        f"{app} has no queries.py"
        for app, folder in tree.apps.items()
        if app not in APPS_WITHOUT_DATA
        and not (folder / "queries.py").exists()
        and not (folder / "queries" / "__init__.py").exists()
    )


def no_import_cycles(tree: Tree) -> list[str]:
    """Strongly connected components of the module graph (Tarjan), every import counted."""
    graph: dict[str, set[str]] = {m: set() for m in tree.modules}
    for i in tree.imports:
        if i.target in graph and i.target != i.source and not _is_parent_package(i.target, i.source):
            graph[i.source].add(i.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[str] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(" <-> ".join(sorted(component)))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return cycles


def _is_parent_package(target: str, source: str) -> bool:
    # `from . import x` inside a package imports the package's __init__ first: that is not a cycle of ours.
    return source.startswith(target + ".")


def no_signals(tree: Tree) -> list[str]:
    """Services call what follows a change explicitly (docs/decisions/0001): no Django signal is connected."""
    found = []
    for name, path in tree.modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [module or ""]
            if any(m.startswith(("django.dispatch", "django.db.models.signals")) for m in modules):
                found.append(f"{name}:{node.lineno} imports {modules[0]}")
    return found


RULES = [
    core_imports_no_domain_app,
    every_app_is_placed,
    no_upstream_imports_downstream,
    services_import_no_tasks,
    views_use_only_their_own_app,
    views_read_through_queries,
    imports_at_module_top,
    every_app_has_queries,
    no_import_cycles,
    no_signals,
]


@pytest.fixture(scope="module")
def tree() -> Tree:
    return read_tree(SRC)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_the_project_keeps_the_house_rule(tree, rule):
    assert rule(tree) == []


def test_the_reader_sees_the_whole_project(tree):
    """A reader that found nothing would pass every rule: it must see the apps and their imports."""
    assert {"core", "accounts", "intake", "assessment", "warnings", "targeting", "response", "site"} <= set(tree.apps)
    assert len(tree.imports) > 500
    assert any(i.source.endswith("intake.views") and i.target.endswith("intake.queries") for i in tree.imports)


# Each rule, broken on purpose in a small tree.


def _write(root: Path, files: dict[str, str]) -> Tree:
    for name, text in files.items():
        path = root / "riskgate" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [root / "riskgate", *(p for p in (root / "riskgate").rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return read_tree(root / "riskgate")


APP_FILES = {
    "core/apps.py": "",
    "core/queries.py": "",
    "intake/apps.py": "",
    "intake/queries.py": "",
    "intake/models.py": "",
    "intake/services.py": "",
    "intake/tasks.py": "",
    "warnings/apps.py": "",
    "warnings/queries.py": "",
    "warnings/models.py": "",
    "warnings/services.py": "",
}


def test_a_sound_small_tree_passes_every_rule(tmp_path):
    tree = _write(tmp_path, {**APP_FILES, "warnings/views.py": "from riskgate.intake import queries\n"})
    assert [rule.__name__ for rule in RULES if rule(tree)] == []


@pytest.mark.parametrize(
    ("rule", "files", "expected"),
    [
        (core_imports_no_domain_app, {"core/views.py": "from riskgate.intake.models import X\n"}, "core.views:1"),
        (every_app_is_placed, {"gadgets/apps.py": "", "gadgets/queries.py": ""}, "gadgets is not in LAYERS"),
        (no_upstream_imports_downstream, {"intake/services.py": "import riskgate.warnings.services\n"}, "below"),
        (services_import_no_tasks, {"intake/services.py": "from . import tasks\n"}, "intake.services:1"),
        (
            services_import_no_tasks,
            {"intake/services/__init__.py": "", "intake/services/a.py": "from .. import tasks\n"},
            "intake.services.a:1",
        ),
        (views_use_only_their_own_app, {"warnings/views.py": "from riskgate.intake.models import X\n"}, "views:1"),
        (views_use_only_their_own_app, {"warnings/api.py": "from riskgate.intake import services\n"}, "api:1"),
        (imports_at_module_top, {"intake/services.py": "def f():\n    from . import models\n"}, "inside a function"),
        (every_app_has_queries, {"intake/queries.py": None}, "intake has no queries.py"),
        (
            no_import_cycles,
            {"intake/models.py": "from . import services\n", "intake/services.py": "from . import models\n"},
            "riskgate.intake.models <-> riskgate.intake.services",
        ),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
def test_each_rule_catches_its_breach(tmp_path, rule, files, expected):
    merged = {**APP_FILES, **files}
    tree = _write(tmp_path, {k: v for k, v in merged.items() if v is not None})
    found = rule(tree)
    assert found, f"{rule.__name__} missed the breach"
    assert any(expected in line for line in found), found


def test_lazy_imports_stay_allowed_in_tasks_and_demo_loaders(tmp_path):
    tree = _write(
        tmp_path,
        {
            **APP_FILES,
            "intake/tasks.py": "def t():\n    from . import services\n",
            "intake/demo.py": "def load():\n    from riskgate.intake import services\n",
        },
    )
    assert imports_at_module_top(tree) == []
