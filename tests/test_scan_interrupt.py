"""Ctrl-C during a scan, as a terminal sends it: SIGINT to the whole process group, the pool's workers
included. The scan stops at once, says how to go on, and the same scan run again stores the rest once
(that a resumed scan ends with the index one scan makes is test_index_incremental's)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ST = [str(Path(sys.executable).with_name("storytrace"))]  # the console script beside this Python
# Two batches (BATCH_SIZE 1000): the first is stored while the second, large enough for the process pool
# (LocalEngine.min_items 256), is still being fingerprinted or verified when the signal comes.
N_ARTICLES = 1300


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(db) as con:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_ctrl_c_stops_a_pooled_scan_which_then_resumes_without_duplicates(tmp_path: Path) -> None:
    env = {**os.environ, "STORYTRACE_PROCESSES": "2"}
    corpus = tmp_path / "syn"
    subprocess.run([*ST, "synth", "-n", str(N_ARTICLES), "--seed", "5", "-o", str(corpus)], check=True,
                   capture_output=True, env=env)
    feed = corpus / "articles.jsonl"
    db = tmp_path / "cut.db"
    scan = subprocess.Popen([*ST, "scan", str(feed), "--db", str(db)], start_new_session=True, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while _stored(db) == 0 and scan.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert scan.poll() is None, "the scan ended before it could be interrupted"
    os.killpg(scan.pid, signal.SIGINT)
    try:
        _, err = scan.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(scan.pid, signal.SIGKILL)
        scan.communicate()
        pytest.fail("the scan went on running (or hung) after Ctrl-C")
    assert scan.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted:" in err and "run the same scan again" in err
    assert 0 < _stored(db) < N_ARTICLES

    again = subprocess.run([*ST, "scan", str(feed), "--db", str(db)], capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() == (N_ARTICLES,
                                                                                              N_ARTICLES)
