"""The evidence a learned quality head is fitted on: one keep pass of the rewriting model per sentence, with
hidden states, reduced to a sentence vector and one vector per word (:mod:`mtfix.model.quality_head` does
the same reduction at run time, from the same pass).

    python -m mtfix.training.qe_features --sets mlqe-dev,mlqe-train,mlqe-train-b,wmt21-all --per-pair 2000

Each set is written to ``runs/qe/<model>-<revision>/<set>.npz`` in chunks (``<set>.partNN.npz``) so an
interrupted run goes on where it stopped. What is stored, per sentence: the sentence vector
(:func:`mtfix.model.quality_head.sentence_vector`), the hand features of :mod:`mtfix.model.quality`, the
human labels (DA z-score, HTER), the pair; per word of the MT (its Moses tokens, as MLQE-PE tags them):
the word vector (:func:`mtfix.model.quality_head.word_vectors`) and its OK/BAD tag. Needs numpy.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

PAIRS = ("ru-en", "ro-en", "et-en", "ne-en", "si-en")
CHUNK = 500  # sentences per part file


def mlqe(folder: Path, split: str, per_pair: int, seed: int, skip: int = 0) -> Iterator[dict[str, Any]]:
    """MLQE-PE rows of ``split`` (train or dev): each pair's lines ``skip`` to ``skip + per_pair`` in a seeded
    order (all with 0), with the Moses-tokenised MT, its word tags, DA z-score and HTER."""
    from mtfix.text.textio import read_lines

    for pair in PAIRS:
        d = folder / f"{pair}-{split}"
        mt = read_lines(d / f"{split}.mt")
        hter = [float(x) for x in read_lines(d / f"{split}.hter")]
        tags = [line.split() for line in read_lines(d / f"{split}.tags")]
        da = {}
        for line in read_lines(d / f"{split}.da.tsv")[1:]:
            parts = line.split("\t")
            da[len(da)] = float(parts[1])
        order = list(range(len(mt)))
        random.Random(seed).shuffle(order)
        for i in order[skip:skip + per_pair] if per_pair else order[skip:]:
            words = mt[i].split()
            word_tags = tags[i][1::2] if len(tags[i]) == 2 * len(words) + 1 else None
            yield {"set": f"{pair}-{split}", "index": i, "tokens": words, "tags": word_tags,
                   "da": da.get(i, float("nan")), "hter": hter[i]}


def wmt21(folder: Path, limit: int, seed: int, shuffle: bool = True) -> Iterator[dict[str, Any]]:
    """WMT21 ru-en system segments with a DA z-score (the HUMAN rows left out), tokenised with sacremoses;
    ``limit`` of them in a seeded order, or all (0) in the file's order without ``shuffle``."""
    from mtfix.text.moses import word_tokenizer

    tok = word_tokenizer()
    files: dict[str, list[str]] = {}
    rows = []
    for line in (folder / "ad-seg-scores-ru-en.csv").read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split()
        system = parts[0].rsplit(".", 1)[0]
        name = {"Nemo": "NVIDIA-NeMo"}.get(system, system)
        path = folder / f"hyp.{name}.en"
        if not path.is_file():
            continue  # HUMAN: which reference it was is not said
        if name not in files:
            files[name] = path.read_text(encoding="utf-8").split("\n")
        rows.append((files[name][int(parts[1]) - 1], float(parts[3]), f"{name}:{parts[1]}"))
    if shuffle:
        random.Random(seed).shuffle(rows)
    for text, z, where in rows[:limit] if limit else rows:
        yield {"set": "wmt21-ruen", "index": where, "tokens": tok(text), "tags": None, "da": z,
               "hter": float("nan")}


def extract(rows: list[dict[str, Any]], rewriter: Any, detector: Any,
            layers: Sequence[int] | None = None) -> dict[str, Any]:
    """The arrays of one chunk of rows (see the module docstring); ``layers`` default to the head's."""
    import numpy as np

    from mtfix.model.quality import features
    from mtfix.model.quality_head import HIDDEN_LAYERS, align_words, sentence_vector, word_vectors
    from mtfix.text.moses import detokenizer

    detok = detokenizer()
    texts = [detok(" ".join(r["tokens"])) for r in rows]
    passes = rewriter.keep_passes(texts, HIDDEN_LAYERS if layers is None else layers)
    sent, hand, da, hter, names, word_rows, word_tags, word_sent = [], [], [], [], [], [], [], []
    for row, text, kp in zip(rows, texts, passes):
        if kp is None or not kp.source_logprobs:
            continue
        spans = align_words(text, row["tokens"])
        offsets = rewriter.token_offsets(text)
        sent.append(sentence_vector(kp))
        hand.append(features(list(kp.source_logprobs), list(kp.logprobs), text, len(detector.flags(text))))
        da.append(row["da"])
        hter.append(row["hter"])
        names.append(f"{row['set']}:{row['index']}")
        if row["tags"] is not None and offsets is not None:
            vectors = word_vectors(kp, offsets, spans)
            for v, span, tag in zip(vectors, spans, row["tags"]):
                if v is not None and span is not None:
                    word_rows.append(v)
                    word_tags.append(tag == "BAD")
                    word_sent.append(len(sent) - 1)
    width = len(sent[0]) if sent else 0
    return {"sentence": np.asarray(sent, dtype=np.float16).reshape(len(sent), width),
            "hand": np.asarray(hand, dtype=np.float32), "da": np.asarray(da, dtype=np.float32),
            "hter": np.asarray(hter, dtype=np.float32), "names": np.asarray(names),
            "words": np.asarray(word_rows, dtype=np.float16).reshape(len(word_rows), -1 if word_rows else 0),
            "bad": np.asarray(word_tags, dtype=bool),
            "word_sentence": np.asarray(word_sent, dtype=np.int32)}


def load(folder: Path, name: str) -> dict[str, Any]:
    """A set's arrays, its parts joined (word_sentence renumbered)."""
    import numpy as np

    parts = sorted(folder.glob(f"{name}.part*.npz"))
    if not parts:
        raise FileNotFoundError(f"{folder}/{name}.part*.npz: run python -m mtfix.training.qe_features first")
    out: dict[str, list[Any]] = {}
    offset = 0
    for p in parts:
        with np.load(p) as z:
            for k in z.files:
                v = z[k] + offset if k == "word_sentence" else z[k]
                out.setdefault(k, []).append(v)
            offset += len(z["da"])
    return {k: np.concatenate(v) for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data/dev")
    ap.add_argument("--sets", default="mlqe-train,mlqe-dev,wmt21")
    ap.add_argument("--per-pair", type=int, default=2000, help="MLQE-PE train lines per pair (0: all 7,000)")
    ap.add_argument("--wmt21", type=int, default=3000, help="WMT21 DA segments (0: all)")
    ap.add_argument("--model", default="default")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args(argv)
    import numpy as np

    from mtfix.config import DEFAULT
    from mtfix.model import store
    from mtfix.model.rewriter import TransformersRewriter
    from mtfix.rules.untranslated import Detector

    spec = store.resolve(args.model)
    out = Path("runs/qe") / f"{spec.model_id}-{spec.revision}"
    out.mkdir(parents=True, exist_ok=True)
    rewriter = TransformersRewriter(spec, DEFAULT.with_(batch_size=16, num_threads=args.threads))
    detector = Detector()
    data = Path(args.data)
    for name in [s.strip() for s in args.sets.split(",") if s.strip()]:
        if name == "mlqe-train":
            rows = list(mlqe(data / "mlqe-pe", "train", args.per_pair, args.seed))
        elif name == "mlqe-dev":
            rows = list(mlqe(data / "mlqe-pe", "dev", 0, args.seed))
        elif name == "mlqe-train-b":  # the next --per-pair lines of each pair, for more training data
            rows = list(mlqe(data / "mlqe-pe", "train", args.per_pair, args.seed, skip=args.per_pair))
        elif name == "wmt21":
            rows = list(wmt21(data / "wmt21-ruen", args.wmt21, args.seed))
        elif name == "wmt21-all":  # every scored segment, in file order (fit_qe splits it by segment id)
            rows = list(wmt21(data / "wmt21-ruen", 0, args.seed, shuffle=False))
        else:
            raise SystemExit(f"unknown set {name!r} (mlqe-train, mlqe-train-b, mlqe-dev, wmt21, wmt21-all)")
        t0 = time.perf_counter()
        for k in range(0, len(rows), CHUNK):
            part = out / f"{name}.part{k // CHUNK:03d}.npz"
            if part.is_file():
                continue
            arrays = extract(rows[k:k + CHUNK], rewriter, detector)
            tmp = part.with_suffix(".tmp.npz")
            np.savez(tmp, **arrays)
            tmp.replace(part)
            done = min(k + CHUNK, len(rows))
            print(f"{name}: {done}/{len(rows)} sentences, {time.perf_counter() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
