"""The claims that ``docs/architecture.md`` and the README make about the code, checked against the tree.

Each test reads the tree, the code and the docs when it runs (never a list of today's files), so that a new app,
module, model, service or URL is held to the same claims the day it is added:

1. every tenant table carries its community (or its street), or is named below with a reason;
2. every public function of an app's ``services`` is declared a service (``@service``), audited or not with a reason;
3. every named URL and every API route is in a role permission matrix (a list of ``Case``s), or named below;
4. the layout the docs draw is the tree, and every app has the files the docs say every app has;
5. every package of ``comity`` is in the import-linter layers contract;
6. no module outside the demo and the migrations is over 500 lines;
7. no ``import comity…`` inside a function, outside the places the docs allow.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from comity.foundation.services import is_service

from ..cast import World

# Claims about the code and the docs: nothing here depends on the database engine.
pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "comity"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
README = ROOT / "README.md"
MAX_LINES = 500


def _apps() -> list[Any]:
    """Comity's own Django apps (not Django's or third parties')."""
    return [config for config in apps.get_app_configs() if config.name.startswith("comity.")]


def _python_files(*, skip_parts: set[str] = frozenset()) -> Iterator[Path]:  # type: ignore[assignment]
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = set(path.relative_to(PACKAGE).parts)
        if "__pycache__" in parts or parts & skip_parts:
            continue
        yield path


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# --- 1. Every tenant row carries its community or its street -------------------------------------------------------

#: Tables with neither a ``community`` nor a ``street`` column, each with the reason (docs/architecture.md,
#: "Distributing by community"). Auto-created many-to-many tables are allowed by rule: they are co-located with the
#: table that owns them, by its key.
WITHOUT_COMMUNITY = {
    "accounts.User": "a login spans communities (a resident of one may staff another); a reference table",
    "accounts.SignInCode": "a one-time sign-in code belongs to a login, not to a community",
    "structure.Street": "the street row itself, the parent of its communities",
    "structure.MatterCategory": "the shared dispatch catalogue, one reference table for every community (ADR 0005)",
    "privacy.NoticeVersion": "the privacy notice covers the deployment: one register for every community (ADR 0017)",
}


def _tenant_column(model: type[models.Model]) -> str | None:
    for name in ("community", "street"):
        try:
            field = model._meta.get_field(name)
        except Exception:
            continue
        if field.concrete and isinstance(field, models.ForeignKey):
            return name
    return None


def test_every_table_carries_its_community_or_street_or_says_why_not() -> None:
    missing = []
    allowed_found = set()
    for config in _apps():
        for model in config.get_models(include_auto_created=True):
            if model._meta.proxy or model._meta.auto_created:
                continue
            label = model._meta.label
            if label in WITHOUT_COMMUNITY:
                allowed_found.add(label)
                continue
            if _tenant_column(model) is None:
                missing.append(label)
    assert not missing, (
        "tables without a `community` or `street` foreign key (add one, denormalised from the parent and set by "
        f"the services, or name the table in WITHOUT_COMMUNITY with the reason): {', '.join(sorted(missing))}"
    )
    assert allowed_found == set(WITHOUT_COMMUNITY), (
        f"WITHOUT_COMMUNITY names tables that no longer exist: {sorted(set(WITHOUT_COMMUNITY) - allowed_found)}"
    )


def test_the_allowed_tables_are_the_ones_the_docs_name() -> None:
    text = ARCHITECTURE.read_text()
    for label in WITHOUT_COMMUNITY:
        assert f"`{label}`" in text, f"docs/architecture.md does not say why {label} has no community"


def test_the_citus_plan_places_every_table() -> None:
    """docs/architecture.md's plan for distributing by community names every table of every app."""
    text = ARCHITECTURE.read_text()
    section = re.search(r"^## Distributing by community.*?(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert section, 'docs/architecture.md has no "## Distributing by community" section'
    plan = section.group(0)
    unplaced = [
        model._meta.label
        for config in _apps()
        for model in config.get_models()
        if not model._meta.proxy
        and f"`{model.__name__}`" not in plan
        and f"`{model._meta.label}`" not in plan
    ]
    assert not unplaced, f"tables the Citus plan does not place (distributed, reference or local): {unplaced}"


# --- 2. Every public function of a services module is a declared service ------------------------------------------


def _service_modules() -> list[ModuleType]:
    """Every module of an app's ``services`` (a ``services.py``, a ``services/`` package and its modules, and any
    ``*services*.py`` beside them), found on disk. The foundation's own ``services`` module is the decorator."""
    modules = []
    for path in _python_files(skip_parts={"engine", "foundation", "migrations", "demo"}):
        relative = path.relative_to(PACKAGE)
        if "services" in relative.parts[:-1] or "services" in path.stem:
            modules.append(importlib.import_module(_module_name(path)))
    return modules


def _public_functions(module: ModuleType) -> list[tuple[str, Any]]:
    return [
        (name, value)
        for name, value in vars(module).items()
        if inspect.isfunction(value) and not name.startswith("_") and value.__module__ == module.__name__
    ]


def test_there_are_services_to_check() -> None:
    assert len(_service_modules()) >= 8


def test_every_public_service_is_declared_audited_or_unaudited_with_a_reason() -> None:
    undeclared = []
    unaudited = []
    for module in _service_modules():
        for name, function in _public_functions(module):
            if not is_service(function):
                undeclared.append(f"{module.__name__}.{name}")
                continue
            declared = function.__comity_service__
            if not declared["audited"]:
                assert declared["reason"].strip(), f"{module.__name__}.{name}: audited=False without a reason"
                unaudited.append(f"{module.__name__}.{name}: {declared['reason']}")
    assert not undeclared, (
        "public functions in services modules that are not declared with @service (decorate them with "
        "@service, or @service(audited=False, reason=…); helpers that write nothing are private (`_name`) or "
        "belong in selectors/computing):\n  "
        + "\n  ".join(undeclared)
        + "\nservices declared unaudited, with their reasons:\n  "
        + "\n  ".join(unaudited or ["(none)"])
    )


# --- 3. Every named URL and API route is in a role permission matrix -----------------------------------------------

#: URL names that no role permission matrix walks, each with the reason. ``admin:*`` is Django's admin: its index is
#: in the matrix (platform staff only) and every other admin page sits behind the same staff check.
NOT_IN_A_MATRIX = {
    "demo_media": "uploads served by Django only in the local demo (COMITY_SERVE_MEDIA); a web server serves them",
    "api-not-found": "the JSON 404 of any unknown address under /api/: no data, the same answer for everyone",
}
NOT_IN_A_MATRIX_NAMESPACES = {
    "admin": "Django's admin: the matrix checks its index (platform staff only); every page has the same check",
}


def _patterns(
    resolvers: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str | None, str]]:
    """Every URL pattern as (namespaced name or None, full route)."""
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            spaced = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), spaced)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield name, prefix + str(entry.pattern)


def _test_modules() -> list[tuple[str, str]]:
    here = Path(__file__).parent
    return [
        (info.name, (here / f"{info.name}.py").read_text())
        for info in pkgutil.iter_modules([str(here)])
        if info.name.startswith("test_") and info.name != Path(__file__).stem
    ]


def _case_modules() -> list[ModuleType]:
    """The test modules with a permission matrix of ``Case`` rows: those that define or import a ``Case``."""
    return [
        importlib.import_module(f"{__package__}.{name}")
        for name, source in _test_modules()
        if re.search(r"^class Case\b|import .*\bCase\b", source, re.MULTILINE)
    ]


def _cases(module: ModuleType) -> list[Any]:
    cases = []
    for value in vars(module).values():
        if isinstance(value, list) and value and all(type(item).__name__ == "Case" for item in value):
            cases.extend(value)
    return cases


def _argument(module: ModuleType, case: Any, world: World) -> Any:
    """The second argument a case's ``url`` takes, made the way its module's matrix test makes it."""
    if callable(getattr(case, "setup", None)):
        return case.setup(world)
    for builder in ("_appeal", "_objects"):
        if callable(getattr(module, builder, None)):
            return getattr(module, builder)(world)
    return {}


def _is_role_matrix(function: ast.FunctionDef) -> bool:
    """A test run for every member of the cast: ``@pytest.mark.parametrize("role", CAST)``."""
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and ast.unparse(decorator.func).endswith("parametrize")
            and len(decorator.args) >= 2
            and isinstance(decorator.args[0], ast.Constant)
            and decorator.args[0].value == "role"
            and "CAST" in ast.unparse(decorator.args[1])
        ):
            return True
    return False


def _named_in(
    node: ast.AST, helpers: dict[str, ast.FunctionDef], names: set[str], depth: int = 0
) -> set[str]:
    """The URL names a function's code spells: its string constants that are URL names, the names an f-string's
    pattern matches (``f"appeal_rates:{scope}"``), and the same in the module's helpers it calls."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str) and child.value in names:
            found.add(child.value)
        elif isinstance(child, ast.JoinedStr) and depth == 0:
            pattern = "".join(
                re.escape(part.value) if isinstance(part, ast.Constant) else r"[\w-]+"
                for part in child.values
            )
            if ":" in pattern or "api" in pattern:
                found |= {name for name in names if re.fullmatch(pattern, name)}
        elif isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and depth == 0:
            helper = helpers.get(child.func.id)
            if helper is not None:
                found |= _named_in(helper, helpers, names, depth + 1)
    return found


def _role_matrix_names(names: set[str]) -> set[str]:
    """The URL names requested by the tests that run for every member of the cast without a ``Case`` table."""
    covered: set[str] = set()
    for _, source in _test_modules():
        tree = ast.parse(source)
        helpers = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        for function in helpers.values():
            if _is_role_matrix(function):
                covered |= _named_in(function, helpers, names)
    return covered


def test_every_named_url_and_api_route_is_in_a_permission_matrix(
    world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    covered_names: set[str] = set()
    covered_routes: set[str] = set()
    broken = []
    modules = _case_modules()
    assert len(modules) >= 7, [module.__name__ for module in modules]
    for module in modules:
        for case in _cases(module):
            point = transaction.savepoint()
            try:
                url = case.url(world, _argument(module, case, world))
                match = resolve(url.split("?")[0])
            except Exception as error:  # a case the matrix itself runs; say which one broke here
                broken.append(f"{module.__name__}: {case.name}: {error!r}")
                continue
            finally:
                transaction.savepoint_rollback(point)
            covered_names.add(match.view_name)
            covered_routes.add(match.route)

    patterns = list(_patterns(get_resolver().url_patterns))
    covered_names |= _role_matrix_names({name for name, _ in patterns if name})
    uncovered = []
    api_routes = 0
    for name, route in patterns:
        if route.startswith("api/v1/"):
            api_routes += 1
        elif name is None:
            continue
        if name and (name.split(":")[0] in NOT_IN_A_MATRIX_NAMESPACES or name in NOT_IN_A_MATRIX):
            continue
        if (name and name in covered_names) or route in covered_routes:
            continue
        uncovered.append(f"{name or '(unnamed)'}  /{route}")
    assert api_routes > 10
    assert not [*uncovered, *broken], (
        "URLs in no role permission matrix (add a Case for every role, or name the URL in NOT_IN_A_MATRIX with "
        "the reason):\n  "
        + "\n  ".join(sorted(uncovered) or ["(none)"])
        + "\ncases whose URL could not be built here:\n  "
        + "\n  ".join(broken or ["(none)"])
    )
    stale = {name for name in NOT_IN_A_MATRIX if name in covered_names}
    assert not stale, f"NOT_IN_A_MATRIX names URLs a matrix now covers: {sorted(stale)}"


# --- 4. The documented layout is the tree --------------------------------------------------------------------------


def _layout_entries(markdown: str) -> list[str]:
    """The paths a fenced layout block names: the block that starts at ``comity/``, one entry per line, two spaces
    of indent per level (``name/`` a directory, ``name.py`` a module), a description after the name."""
    entries: list[str] = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", markdown, re.DOTALL):
        lines = block.splitlines()
        if not lines or lines[0].strip() != "comity/":
            continue
        stack: list[str] = []
        for line in lines:
            if not line.strip() or line.lstrip().startswith(("#", "…", "...")):
                continue
            depth = (len(line) - len(line.lstrip(" "))) // 2
            name = line.split()[0]
            stack = [*stack[:depth], name]
            entries.append("/".join(part.rstrip("/") for part in stack[:-1]) + ("/" if depth else "") + name)
    return entries


def _documented_layouts() -> dict[str, list[str]]:
    layouts = {"docs/architecture.md": _layout_entries(ARCHITECTURE.read_text())}
    readme = README.read_text()
    section = re.search(r"^## Layout.*?(?=^## )", readme, re.MULTILINE | re.DOTALL)
    assert section, "README.md has no '## Layout…' section"
    layouts["README.md"] = _layout_entries(section.group(0))
    return layouts


@pytest.mark.parametrize("document", ["docs/architecture.md", "README.md"])
def test_every_path_the_layout_names_exists(document: str) -> None:
    entries = _documented_layouts()[document]
    assert len(entries) > 10, f"{document}: no layout block starting at `comity/`"
    missing = [
        entry
        for entry in entries
        if not ((ROOT / entry).is_dir() if entry.endswith("/") else (ROOT / entry).is_file())
    ]
    assert not missing, f"{document} names paths that are not in the tree: {missing}"


@pytest.mark.parametrize("document", ["docs/architecture.md", "README.md"])
def test_every_package_of_comity_is_in_the_layout(document: str) -> None:
    documented = {
        entry.rstrip("/").split("/")[1]
        for entry in _documented_layouts()[document]
        if entry.startswith("comity/") and entry.rstrip("/").count("/") == 1
    }
    present = {
        path.name
        for path in PACKAGE.iterdir()
        if not path.name.startswith(("_", ".")) and (path.is_dir() or path.suffix == ".py")
    }
    assert not present - documented, f"{document} does not show {sorted(present - documented)} under comity/"


#: A path into the package as the docs write it: ``comity/…``, without placeholders such as ``<app>``.
_DOC_PATH = re.compile(r"(?<![\w/.-])(comity/[A-Za-z0-9_./-]*[A-Za-z0-9_/])(?![<\w])")


def test_every_path_into_the_package_the_docs_name_exists() -> None:
    stale = []
    for document in [README, *sorted((ROOT / "docs").rglob("*.md"))]:
        for number, line in enumerate(document.read_text().splitlines(), 1):
            for path in _DOC_PATH.findall(line):
                if not (ROOT / path).exists():
                    stale.append(f"{document.relative_to(ROOT)}:{number}: {path}")
    assert not stale, "the docs name paths that are not in the tree:\n  " + "\n  ".join(stale)


def _app_files_table() -> list[tuple[list[str], str]]:
    """The rows of docs/architecture.md's "Files inside an app" table: (the names a row allows, who has it)."""
    text = ARCHITECTURE.read_text()
    section = re.search(r"^### Files inside an app\n(.*?)(?=^#)", text, re.MULTILINE | re.DOTALL)
    assert section, 'docs/architecture.md has no "### Files inside an app" section'
    rows = []
    for line in section.group(1).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        rows.append((re.findall(r"`([^`]+)`", cells[0]), cells[1]))
    return rows


def _owns_tables(config: Any) -> bool:
    return bool(list(config.get_models()))


#: Files an app may lack although the table says every app has them, with the reason.
APP_FILE_EXCEPTIONS: dict[tuple[str, str], str] = {
    (
        "audit",
        "services/",
    ): "the audit log's one write, record_audit, is the foundation's: every app records entries",
    (
        "jobs",
        "views.py",
    ): "the outbox has no pages: platform staff read it in the admin, operators `jobs_status`",
    (
        "jobs",
        "urls.py",
    ): "the outbox has no pages: platform staff read it in the admin, operators `jobs_status`",
}


def test_every_app_has_the_files_every_app_has() -> None:
    required = [names for names, who in _app_files_table() if who == "every app"]
    assert len(required) >= 7, "the table names fewer files for every app than the shape has"
    missing = []
    for config in _apps():
        if not _owns_tables(config):
            continue
        root = Path(config.path)
        for names in required:
            if any((root / name).exists() for name in names):
                continue
            if (config.label, names[0]) in APP_FILE_EXCEPTIONS:
                continue
            missing.append(f"{config.label}: {' or '.join(names)}")
    assert not missing, f"apps without a file the docs say every app has: {missing}"


#: The engine's computations whose results an app turns into rows or reports; an app that imports one has its
#: adapter between the database and the engine in ``computing.py`` (docs/architecture.md, "Files inside an app").
ENGINE_COMPUTATIONS = ("opinions", "decisions", "budgeting", "rates")


def _engine_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("comity.engine"):
            parts = node.module.split(".")
            found.update([parts[2]] if len(parts) > 2 else [alias.name for alias in node.names])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("comity.engine."):
                    found.add(alias.name.split(".")[2])
    return found


def test_an_app_that_calls_the_engine_for_computation_has_computing() -> None:
    text = ARCHITECTURE.read_text()
    for name in ENGINE_COMPUTATIONS:
        assert f"`engine.{name}`" in text, (
            f"docs/architecture.md's computing rule does not name engine.{name}"
        )
    missing = []
    for config in _apps():
        if not _owns_tables(config):
            continue
        root = Path(config.path)
        uses = set()
        for path in root.rglob("*.py"):
            if "migrations" not in path.parts:
                uses |= _engine_imports(path) & set(ENGINE_COMPUTATIONS)
        has_adapter = any(root.rglob("computing.py")) or any(root.rglob("computing/__init__.py"))
        if uses and not has_adapter:
            missing.append(f"{config.label} (uses engine.{', engine.'.join(sorted(uses))})")
    assert not missing, f"apps that call the engine's computations without a computing.py: {missing}"


# --- 5. Every package of comity is in the layers contract -----------------------------------------------------------


def test_every_package_is_in_the_layers_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    layered = [contract for contract in contracts if contract["type"] == "layers"]
    assert layered, "pyproject.toml has no import-linter layers contract"
    named = []
    for contract in layered:
        for layer in contract["layers"]:
            named.extend(part.strip() for part in layer.split("|"))
    packages = {
        f"comity.{path.parent.name}"
        for path in PACKAGE.glob("*/__init__.py")
        if path.parent.name != "__pycache__"
    } | {f"comity.{path.stem}" for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    assert not packages - set(named), f"packages in no layer: {sorted(packages - set(named))}"
    assert len(named) == len(set(named)), "a package is in more than one layer"
    text = ARCHITECTURE.read_text()
    for package in named:
        assert f"`{package.split('.')[1]}`" in text or f"{package.split('.')[1]}/" in text, package


# --- 6. No module over 500 lines -----------------------------------------------------------------------------------


def test_no_module_outside_the_demo_and_migrations_is_over_500_lines() -> None:
    long = []
    for path in _python_files(skip_parts={"demo", "migrations"}):
        count = len(path.read_text().splitlines())
        if count > MAX_LINES:
            long.append(f"{path.relative_to(ROOT)}: {count}")
    assert not long, f"modules over {MAX_LINES} lines (split them by feature): {long}"


# --- 7. No imports of comity inside functions, but where the docs allow them ---------------------------------------

#: Functions that may import Comity inside their body, besides every ``ready()`` of an ``apps.py``, the CLI (Django
#: must be set up first) and the import of an app's ``tasks`` by the module that queues them (the tasks module
#: imports it), each with the reason. Keyed ``module:function``.
FUNCTION_IMPORTS_ALLOWED: dict[str, str] = {
    "comity.config.celery:*": "the Celery app is set up before Django; its tasks are imported when it runs them",
}


class _FunctionImports(ast.NodeVisitor):
    def __init__(self) -> None:
        self.stack: list[str] = []
        self.found: list[tuple[str, int]] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            for other in node.orelse:
                self.visit(other)
            return
        self.generic_visit(node)

    def _note(self, node: ast.Import | ast.ImportFrom, modules: list[str]) -> None:
        ours = [module for module in modules if module == "comity" or module.startswith("comity.")]
        # A Celery task queued from a module the task itself imports (docs/architecture.md, "Jobs").
        if self.stack and ours and not all(module.endswith(".tasks") for module in ours):
            self.found.append((self.stack[0], node.lineno))

    def visit_Import(self, node: ast.Import) -> None:
        self._note(node, [alias.name for alias in node.names])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:  # a relative import inside a function is the same thing
            self.found.append((self.stack[0], node.lineno)) if self.stack else None
            return
        self._note(node, [node.module or ""])


def test_no_import_of_comity_inside_a_function() -> None:
    offenders = []
    for path in _python_files(skip_parts={"migrations", "cli"}):
        module = _module_name(path)
        visitor = _FunctionImports()
        visitor.visit(ast.parse(path.read_text()))
        for function, line in visitor.found:
            if path.name == "apps.py" and function == "ready":
                continue
            if (
                f"{module}:{function}" in FUNCTION_IMPORTS_ALLOWED
                or f"{module}:*" in FUNCTION_IMPORTS_ALLOWED
            ):
                continue
            offenders.append(f"{path.relative_to(ROOT)}:{line} in {function}()")
    assert not offenders, (
        "imports of comity inside a function (move them to the top of the module; a cycle between apps means a "
        "helper belongs in a lower layer):\n  " + "\n  ".join(offenders)
    )
