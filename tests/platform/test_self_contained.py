"""The repository passes its tests alone: no code, test or build file reaches outside it
(a newcomer's clone has nothing beside it; the public files tests read are in tests/fixtures)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".git", ".venv", ".local", "node_modules", "__pycache__", "staticfiles", "media"}
CHECKED = {".py", ".toml", ".yml", ".yaml", ".cfg", ".ini", ".sh", ".txt", ".html"}
CHECKED_NAMES = {"Makefile", "Dockerfile", "run", "docker-compose.yml"}
# A sibling folder, the team's shared folder, or an absolute path on a developer's machine.
# (The folder's name is assembled so that this file does not itself name it.)
TEAM = "sha" + "red"
OUTSIDE = re.compile(rf"\.\./{TEAM}|{TEAM}/data|[\"']{TEAM}[\"']|/work/|/home/\w+/")
PARENTS = re.compile(r"__file__\)(?:\.resolve\(\))?((?:\.parent)+)\b(?:\.parents\[(\d+)\])?")
PARENTS_INDEX = re.compile(r"__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")


def _files(root: Path):
    for path in root.rglob("*"):
        if any(part in SKIP_DIRS for part in path.relative_to(root).parts):
            continue
        if path.is_file() and (path.suffix in CHECKED or path.name in CHECKED_NAMES):
            yield path


def outside_references(root: Path) -> list[str]:
    """Each line of the tree that names a path outside `root`, as "file:line: text"."""
    found = []
    for path in _files(root):
        if path.resolve() == Path(__file__).resolve():
            continue
        rel = path.relative_to(root)
        depth = len(rel.parts) - 1  # folders between the root and the file
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            levels = [len(m.group(1).split(".parent")) - 2 for m in PARENTS.finditer(line)]
            levels += [int(m.group(1)) for m in PARENTS_INDEX.finditer(line)]
            if OUTSIDE.search(line) or any(level > depth for level in levels):
                found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_no_code_or_test_refers_to_a_path_outside_the_repository():
    assert outside_references(ROOT) == []


def test_the_check_catches_a_sibling_folder_and_a_parent_too_far(tmp_path):
    (tmp_path / "tests" / "app").mkdir(parents=True)
    (tmp_path / "tests" / "app" / "test_x.py").write_text(
        "from pathlib import Path\n"
        "INSIDE = Path(__file__).resolve().parents[2] / 'manage.py'\n"
        "OUTSIDE = Path(__file__).resolve().parents[3] / 'data.csv'\n"
        "ALSO = Path(__file__).parent.parent.parent.parent / 'x'\n"
        f"SIBLING = '../{TEAM}/data/x.csv'\n"
    )
    (tmp_path / "Makefile").write_text(f"test:\n\tcp ../{TEAM}/data/x.csv tests/\n")
    found = sorted(":".join(f.split(":")[:2]) for f in outside_references(tmp_path))
    assert found == [
        "Makefile:2",
        "tests/app/test_x.py:3",
        "tests/app/test_x.py:4",
        "tests/app/test_x.py:5",
    ]
