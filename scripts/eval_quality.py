"""Correlation of the quality estimate with human judgements: WMT21 ru-en DA and MLQE-PE dev HTER.

    PYTHONPATH=. python scripts/eval_quality.py --data ../shared/data/dev [--n 300] [--model default]

CPU is scarce, so each set is a seeded random sample of N sentences (default 300), not all of it.
WMT21: segments of the 10 system outputs with a direct-assessment score in ad-seg-scores-ru-en.csv
(SID = line number; the HUMAN rows are left out), correlated with the z-score and the raw score.
MLQE-PE: ru-en *dev* (the calibration saw only train), detokenised, correlated with HTER (a good
estimate correlates negatively with HTER). Two single features are shown as baselines for the calibrated
combination: the mean log-probability of the sentence's own tokens and of keeping it as the answer.
The model's evidence is remembered under runs/quality/ (as by fit_quality.py).
"""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from mtfix.config import DEFAULT
from mtfix.evaluation.qe import load_mlqe, pearson, sentence_features, spearman
from mtfix.model import store as modelstore
from mtfix.model.quality import FEATURES, QualityModel
from mtfix.model.rewriter import TransformersRewriter
from mtfix.rules.untranslated import Detector

WMT21_FILES = {"AFRL": "AFRL", "Facebook-AI": "Facebook-AI", "Manifold": "Manifold", "Nemo": "NVIDIA-NeMo",
               "NiuTrans": "NiuTrans", "Online-A": "Online-A", "Online-B": "Online-B", "Online-G": "Online-G",
               "Online-W": "Online-W", "Online-Y": "Online-Y"}


def wmt21(folder: Path) -> list[tuple[str, float, float]]:
    """(MT sentence, DA z-score, DA raw score) of every scored system segment."""
    files: dict[str, list[str]] = {}
    out = []
    lines = (folder / "ad-seg-scores-ru-en.csv").read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        parts = line.split()
        system = parts[0].rsplit(".", 1)[0]
        if system not in WMT21_FILES:
            continue  # HUMAN: which reference it was is not said
        if system not in files:
            files[system] = (folder / f"hyp.{WMT21_FILES[system]}.en").read_text(encoding="utf-8").split("\n")
        out.append((files[system][int(parts[1]) - 1], float(parts[3]), float(parts[2])))
    return out


def report(name: str, human: list[float], preds: list[float], feats: list[list[float]]) -> None:
    rng = random.Random(0)
    boot = sorted(pearson(*zip(*[(preds[i], human[i]) for i in rng.choices(range(len(human)), k=len(human))]))
                  for _ in range(1000))
    print(f"{name}: n={len(human)}  quality: Pearson {pearson(preds, human):+.3f} "
          f"(95% bootstrap {boot[25]:+.3f} .. {boot[974]:+.3f}), Spearman {spearman(preds, human):+.3f}")
    for feature in ("src_mean", "keep_mean"):
        base = [f[FEATURES.index(feature)] for f in feats]
        print(f"    {feature} alone: Pearson {pearson(base, human):+.3f}, Spearman {spearman(base, human):+.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data/dev", help="the shared dev data folder")
    ap.add_argument("--n", type=int, default=300, help="sentences per set (seeded sample)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--model", default="default")
    ap.add_argument("--cache", default=None, help="evidence cache (default runs/quality/<model>-<revision>.jsonl)")
    args = ap.parse_args()
    spec = modelstore.resolve(args.model)
    if not spec.quality:
        raise SystemExit(f"model {args.model!r} has no quality calibration: run scripts/fit_quality.py first")
    model = QualityModel.from_dict(spec.quality)
    print(f"calibration: {model.trained_on}")
    rewriter = TransformersRewriter(spec, DEFAULT.with_(batch_size=16))
    detector = Detector()
    rng = random.Random(args.seed)
    data = Path(args.data)

    segs = wmt21(data / "wmt21-ruen")
    segs = [segs[i] for i in rng.sample(range(len(segs)), min(args.n, len(segs)))]
    mt, hter = load_mlqe(data / "mlqe-pe" / "ru-en-dev", "dev")
    idx = rng.sample(range(len(mt)), min(args.n, len(mt)))
    sets = [("WMT21 ru-en DA z-score", [s[0] for s in segs], [s[1] for s in segs]),
            ("WMT21 ru-en DA raw", [s[0] for s in segs], [s[2] for s in segs]),
            ("MLQE-PE ru-en dev HTER", [mt[i] for i in idx], [hter[i] for i in idx])]
    evidence = args.cache or f"runs/quality/{spec.model_id}-{spec.revision}.jsonl"
    cache: dict[str, list[float] | None] = {}
    for name, texts, human in sets:
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        t0 = time.perf_counter()
        cache.update(zip(todo, sentence_features(rewriter, detector, todo, evidence)))
        if todo:
            print(f"  ({len(todo)} sentences scored in {time.perf_counter() - t0:.0f} s)")
        keep = [i for i, t in enumerate(texts) if cache[t] is not None]
        feats = [cache[texts[i]] for i in keep]
        report(name, [human[i] for i in keep], [model.predict(f) for f in feats], feats)


if __name__ == "__main__":
    main()
