"""The harness hash (docs/evaluation-protocol.md section 1.1): sha256 over the per-file digests."""

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # environments/templar, or /opt/crusades


def harness_files(root=ROOT):
    files = [p for p in (root / "crusades_env").rglob("*.py") if "tests" not in p.parts]
    files += [root / "scan_facts.py", root / "VERSION"]
    return sorted((p.relative_to(root).as_posix(), p) for p in files)


def harness_hash(root=ROOT):
    lines = []
    for rel, path in harness_files(root):
        lines.append("%s  %s\n" % (hashlib.sha256(path.read_bytes()).hexdigest(), rel))
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def harness_version(root=ROOT):
    return (root / "VERSION").read_text().splitlines()[0].strip()


if __name__ == "__main__":
    print(harness_hash())
