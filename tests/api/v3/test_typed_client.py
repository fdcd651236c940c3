"""A typed client, tested: TypeScript types generated from the served OpenAPI document
(openapi-typescript) must accept real responses of a running server (``tsc --noEmit``).

The client lives in ``client/`` (package.json and package-lock.json committed; this test
runs ``npm ci`` itself). Against a gunicorn serving the demo content it generates
``client/generated/api.d.ts`` from ``/api/v3/openapi.json``, fetches the CAR-T explainer,
a page of trials and more with ``client/src/fetch-samples.ts`` into typed constants, and
type-checks them; then checks that a response the document does not describe fails.

The install, the server and the generated files are the session's (a module fixture
was set up again whenever xdist ran another module's test between this one's), and the
real samples and the three lies are type-checked in one ``tsc`` run (each lie in a file
of its own, the errors told apart by file name): one ``tsc`` run in all instead of four.
"""

import fcntl
import json
import os
import re
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.processes import PROJECT_ROOT, gunicorn

# One worker runs the module: npm ci and the generated files are shared (tests/ run with
# --dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("typed-client")]

CLIENT = PROJECT_ROOT / "client"
NPM = shutil.which("npm") or "npm"
NPX = shutil.which("npx") or "npx"


def run(*cmd, check=True, timeout=300):
    result = subprocess.run(
        cmd, cwd=CLIENT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check:
        assert result.returncode == 0, f"{' '.join(cmd)}:\n{result.stdout}\n{result.stderr}"
    return result


@contextmanager
def client_lock():
    """One process at a time installs and generates in client/ (xdist workers share it)."""
    with open(CLIENT / ".test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def installed():
    # npm ci: exactly the locked versions, from the npm registry.
    with client_lock():
        run(NPM, "ci", "--no-audit", "--no-fund", timeout=600)
        run(NPX, "tsc", "-p", "tsconfig.fetch.json")


@pytest.fixture(scope="session")
def demo_server(scratch_databases, tmp_path_factory):
    env = scratch_databases.copy("demo", tmp_path_factory.mktemp("typed-client") / "db.sqlite3")
    with gunicorn(env) as base:
        yield base


@pytest.fixture(scope="session")
def samples(installed, demo_server):
    with client_lock():
        run(
            NPX,
            "openapi-typescript",
            f"{demo_server}/api/v3/openapi.json",
            "-o",
            "generated/api.d.ts",
        )
        run("node", "build/fetch-samples.js", demo_server)
        path = CLIENT / "generated" / "samples.ts"
        original = path.read_text()
    yield path, original


# Lies a served response could tell, each with the error tsc must give for it.
LIES = {
    # A number the document says is a number, served as a string.
    "number-as-string": (
        lambda s: re.sub(
            r'"reading_time_minutes": (\d+)', r'"reading_time_minutes": "\1"', s, count=1
        ),
        "Type 'string' is not assignable to type 'number'",
    ),
    # A field the document does not describe.
    "unknown-field": (
        lambda s: s.replace('"subtitle":', '"undocumented": 1, "subtitle":', 1),
        "undocumented",
    ),
    # A block type the document does not describe.
    "unknown-block": (
        lambda s: s.replace('"type": "heading"', '"type": "carousel"', 1),
        "carousel",
    ),
}


def diagnostics_by_file(output: str) -> dict[str, str]:
    """tsc's diagnostics (``file(line,col): error …`` and their indented follow-up
    lines), without the file's path, joined per file name."""
    found: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        match = re.match(r"(\S+?\.ts)\(\d+,\d+\): ", line)
        if match:
            current = Path(match.group(1)).name
            line = line[match.end() :]
        if current:
            found.setdefault(current, []).append(line)
    return {name: "\n".join(lines) for name, lines in found.items()}


@pytest.fixture(scope="session")
def type_checked(samples):
    """The real samples and each lie (in a file of its own beside the types: nothing
    shared is changed), all type-checked by one tsc run: ``{"lies": {lie: its file's
    diagnostics, "" if none}, "elsewhere": {any other file: its diagnostics}}``."""
    path, original = samples
    names = {lie: f"lie-{os.getpid()}-{lie}" for lie in LIES}
    for lie, (tell, _error) in LIES.items():
        lied = tell(original)
        assert lied != original, f"the sample no longer holds what {lie} changes"
        path.with_name(f"{names[lie]}.ts").write_text(lied)
    config = CLIENT / f"tsconfig.checked-{os.getpid()}.json"
    real = ["generated/api.d.ts", "generated/samples.ts"]
    config.write_text(
        json.dumps(
            {
                "extends": "./tsconfig.json",
                "include": [*real, *(f"generated/{n}.ts" for n in names.values())],
            }
        )
    )
    try:
        result = run(NPX, "tsc", "--noEmit", "--pretty", "false", "-p", config.name, check=False)
    finally:
        for name in names.values():
            path.with_name(f"{name}.ts").unlink()
        config.unlink()
    found = diagnostics_by_file(result.stdout)
    assert found or result.returncode == 0, result.stdout + result.stderr
    lies = {lie: found.pop(f"{name}.ts", "") for lie, name in names.items()}
    return {"lies": lies, "elsewhere": found}


def test_real_responses_type_check_against_the_generated_types(samples, type_checked):
    _path, original = samples
    assert "export const carT:" in original and "car-t-cell-therapy" in original
    assert not type_checked["elsewhere"], type_checked["elsewhere"]


@pytest.mark.parametrize("lie", LIES)
def test_a_response_the_document_does_not_describe_fails_the_check(type_checked, lie):
    _tell, error = LIES[lie]
    told = type_checked["lies"][lie]
    assert error in told, told or "tsc accepted the lie"
