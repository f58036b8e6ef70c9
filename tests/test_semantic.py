"""The optional semantic layer: lazy import, a clear error without the extra, and what embeddings add.

Tests marked ``needs_model`` load the real packaged model and are skipped, with the install command as
the reason, only when the ``semantic`` extra is not installed; the rest run everywhere, using a small
stand-in encoder where they test plumbing rather than the model.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Sequence

import numpy as np
import pytest

from storytrace import semantic
from storytrace.align import align, sentence_similarity
from storytrace.errors import StorytraceError

needs_model = pytest.mark.skipif(
    not semantic.available(),
    reason="semantic extra not installed: pip install 'storytrace[semantic]' "
    f"(missing: {', '.join(semantic.missing())})",
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120)


# --- without the model -------------------------------------------------------------------------------------


def test_importing_the_module_loads_no_torch() -> None:
    r = _run("""
        import sys
        import storytrace.semantic as s
        s.available(); s.missing()
        print(sorted(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules))
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_without_torch_the_error_names_the_extra() -> None:
    r = _run("""
        import sys
        sys.modules["torch"] = None  # as if torch were not installed
        import storytrace.semantic as s
        print(s.available(), s.missing())
        try:
            s.encoder()
        except s.SemanticUnavailable as exc:
            print("raised", isinstance(exc, ImportError), str(exc))
    """)
    assert r.returncode == 0, r.stderr
    first, second = r.stdout.strip().splitlines()
    assert first.startswith("False") and "'torch'" in first
    assert second.startswith("raised True")
    assert "pip install 'storytrace[semantic]'" in second and "torch==2.13.0" in second


def test_semantic_unavailable_is_a_storytrace_error() -> None:
    # The CLI and server catch StorytraceError; a missing extra must reach the user as a message.
    assert issubclass(semantic.SemanticUnavailable, StorytraceError)


def test_match_sentences_is_one_to_one_and_respects_the_threshold() -> None:
    sim = np.array([[0.90, 0.85, 0.10],
                    [0.88, 0.20, 0.10],
                    [0.10, 0.10, 0.65]], dtype=np.float32)
    found = semantic.match_sentences(sim, 0.7)
    # Row 0 takes its best column 0, so row 1 cannot; row 2's 0.65 is under the threshold.
    assert [(m.i, m.j) for m in found] == [(0, 0)]
    found = semantic.match_sentences(sim, 0.6)
    assert [(m.i, m.j) for m in found] == [(0, 0), (2, 2)]
    assert len({m.j for m in found}) == len(found)
    assert semantic.match_sentences(np.zeros((0, 3), dtype=np.float32), 0.5) == []


class _BagOfWords(semantic.Encoder):
    """A stand-in encoder: word counts, so that shared words mean similar vectors (no torch). Each word
    gets its own dimension (Python's salted ``hash`` made collisions, and so the scores, vary per run)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vocab = self.__dict__.setdefault("_vocab", {})
        out = np.zeros((len(texts), 4096), dtype=np.float32)
        for r, t in enumerate(texts):
            for w in t.lower().split():
                out[r, vocab.setdefault(w.strip(".,"), len(vocab)) % 4096] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


SOURCE = ("The city council approved the new budget on Tuesday after a long debate. "
          "Officials said the plan raises spending on schools and roads. "
          "Critics warned that property taxes would rise next year.")
UNRELATED = ("A rare comet will pass close to the Earth this weekend. "
             "Astronomers expect it to be visible without a telescope. "
             "The best view will come just after sunset in the west.")


def test_semantic_reuse_counts_only_sentences_the_alignment_left_open() -> None:
    enc = _BagOfWords()
    al = align(SOURCE, SOURCE)
    res = semantic.semantic_reuse(SOURCE, SOURCE, al, 0.5, enc)
    # Every sentence is inside a verbatim passage already: nothing is left for embeddings to add.
    assert res.extra_a == 0 and res.extra_b == 0 and res.matches == ()
    assert res.rewritten == pytest.approx(max(al.coverage_a + al.paraphrase_a, al.coverage_b + al.paraphrase_b))


def test_semantic_reuse_of_unrelated_texts_adds_nothing() -> None:
    res = semantic.semantic_reuse(SOURCE, UNRELATED, align(SOURCE, UNRELATED), 0.5, _BagOfWords())
    assert res.matches == () and res.rewritten == 0.0
    assert 0.0 <= res.mean_max_a < 0.5


def test_in_order_keeps_the_heaviest_chain() -> None:
    ms = [semantic.SemanticMatch(0, 2, 0.9), semantic.SemanticMatch(1, 0, 0.9), semantic.SemanticMatch(2, 1, 0.9)]
    chain = semantic._in_order(ms, [5, 4, 4])
    # (1,0) then (2,1) weighs 8 and beats (0,2) alone at 5.
    assert [(m.i, m.j) for m in chain] == [(1, 0), (2, 1)]


# --- with the packaged model -------------------------------------------------------------------------------

# A light spin of SOURCE: synonyms and reordered clauses, almost no content word kept in place, so
# storytrace's word-overlap paraphrase step finds nothing in it.
PARAPHRASE = ("After lengthy arguments, the town council passed its new spending plan on Tuesday. "
              "According to officials, the budget increases funding for schools and highways. "
              "Opponents cautioned that property taxes will go up in the coming year.")


@needs_model
def test_model_loads_from_the_package_folder_offline() -> None:
    import os

    path = semantic.model_dir()
    assert path.parent.name == semantic.MODEL_PACKAGE and (path / "model.safetensors").is_file()
    assert semantic.encoder().dimension == 384
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"


@needs_model
def test_embeddings_are_unit_length_and_cached() -> None:
    enc = semantic.encoder()
    v = enc.encode(["A bridge collapsed.", "Rates went up."])
    assert v.shape == (2, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert np.array_equal(enc.encode(["Rates went up."])[0], v[1])


@needs_model
def test_paraphrase_outranks_same_topic_and_unrelated_sentences() -> None:
    a = "Dozens were killed when a motorway bridge collapsed in Genoa."
    para = "A highway viaduct in the Italian city of Genoa fell down, leaving many people dead."
    topic = "Engineers will inspect every bridge in Italy next month."
    other = "The central bank left interest rates unchanged."
    s = [semantic.sentence_similarity(a, x) for x in (para, topic, other)]
    assert s[0] > s[1] > s[2]
    # The point of the layer: the lexical measure sees little in the paraphrase.
    assert sentence_similarity(a, para) < s[0]


@needs_model
def test_semantic_reuse_finds_a_rewrite_the_word_overlap_misses() -> None:
    al = align(PARAPHRASE, SOURCE)
    lexical = max(al.coverage_a + al.paraphrase_a, al.coverage_b + al.paraphrase_b)
    res = semantic.semantic_reuse(PARAPHRASE, SOURCE, al, 0.65)
    assert lexical < 0.35  # storytrace alone would not call this a rewrite
    assert [(m.i, m.j) for m in res.matches] == [(0, 0), (1, 1), (2, 2)]
    assert res.rewritten > lexical and res.rewritten >= 0.35
    unrelated = semantic.semantic_reuse(UNRELATED, SOURCE, align(UNRELATED, SOURCE), 0.65)
    assert unrelated.matches == () and unrelated.rewritten < 0.35
