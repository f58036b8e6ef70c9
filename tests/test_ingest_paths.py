"""Folder walking, ordering, ids stable across reads."""

from __future__ import annotations

import json
from pathlib import Path

from storytrace.ingest import make_id, read_paths
from storytrace.model import Article

BODY = "Published: 2018-07-14\nNews | By Ann\n\nHeadline {n}\n\nBody number {n}."


def _tree(root: Path) -> None:
    (root / "b").mkdir()
    (root / "a" / "deep").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "b" / "2.txt").write_text(BODY.format(n=2))
    (root / "a" / "deep" / "1.txt").write_text(BODY.format(n=1))
    (root / "a" / "0.TXT").write_text(BODY.format(n=0))
    (root / "c.jsonl").write_text(json.dumps({"text": "From jsonl."}) + "\n")
    (root / ".secret.txt").write_text(BODY.format(n=9))
    (root / ".hidden" / "h.txt").write_text(BODY.format(n=8))
    (root / "image.png").write_bytes(b"\x89PNG\x00\x00")
    (root / "notes.md").write_text("# not an article")


def test_folder_recursive_sorted_hidden_and_unknown_skipped(tmp_path):
    _tree(tmp_path)
    items = list(read_paths([tmp_path]))
    assert all(isinstance(i, Article) for i in items), items
    rel = [Path(i.origin.split(":")[0]).relative_to(tmp_path).as_posix() for i in items]
    assert rel == ["a/0.TXT", "a/deep/1.txt", "b/2.txt", "c.jsonl"]


def test_single_path_string_is_accepted(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("Hello.")
    assert [a.text for a in read_paths(str(p))] == ["Hello."]


def test_ids_stable_across_reads_and_differ_by_metadata(tmp_path):
    _tree(tmp_path)
    first = [a.id for a in read_paths([tmp_path])]
    second = [a.id for a in read_paths([tmp_path])]
    assert first == second and len(set(first)) == len(first)

    same = tmp_path / "copy"
    same.mkdir()
    (same / "x.txt").write_text(BODY.format(n=1))  # byte-identical to a/deep/1.txt, other path
    (a,) = list(read_paths([same / "x.txt"]))
    (b,) = list(read_paths([tmp_path / "a" / "deep" / "1.txt"]))
    assert a.id == b.id  # origin is not part of the id

    (same / "y.txt").write_text(BODY.format(n=1).replace("2018-07-14", "2018-07-15"))
    (c,) = list(read_paths([same / "y.txt"]))
    assert c.text == b.text and c.id != b.id  # an exact copy on another date is another article
    assert make_id(b) == b.id


def test_unlistable_subfolder_is_reported(tmp_path, monkeypatch):
    import os

    _tree(tmp_path)
    real_scandir = os.scandir

    def fake_scandir(path="."):
        if Path(path).name == "b":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    items = list(read_paths([tmp_path]))
    errors = [i for i in items if not isinstance(i, Article)]
    assert len(errors) == 1 and errors[0].origin == str(tmp_path / "b")
    assert "Permission denied" in errors[0].message
    assert sum(isinstance(i, Article) for i in items) == 3
