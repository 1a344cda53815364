"""Fit the quality estimate's calibration and store it in the model's mtfix.json (key "quality").

    python scripts/fit_quality.py --data ../shared/data/dev/mlqe-pe --n 2000 [--model models/default]

Training data: MLQE-PE *train* splits (never dev): N sentences drawn at random (seeded) from the
pairs given (default ru-en), the MT detokenised with sacremoses, target 1 - HTER. Features come from
one forward pass of the model (mtfix.evaluation.qe.sentence_features), remembered under runs/quality/ so a
refit does not run the model again. The fit is a fractional logistic regression (mtfix.evaluation.qe.fit)
whose L2 penalty is chosen by 5-fold cross-validation on the training sentences (Pearson r).
CPU only: about a minute per 1,000 sentences the first time.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from mtfix.config import DEFAULT
from mtfix.evaluation.qe import fit, load_mlqe, pearson, sentence_features, spearman
from mtfix.model import store as modelstore
from mtfix.model.quality import FEATURES
from mtfix.model.rewriter import TransformersRewriter
from mtfix.rules.untranslated import Detector
from mtfix.text.textio import write_atomic


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data/dev/mlqe-pe")
    ap.add_argument("--pairs", default="ru-en", help="comma-separated MLQE-PE pairs (default: ru-en)")
    ap.add_argument("--n", type=int, default=2000, help="training sentences, drawn evenly from the pairs")
    ap.add_argument("--model", default="default", help="the model whose log-probs are calibrated")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--l2", type=float, nargs="+", default=[0.1, 1.0, 10.0, 100.0, 1000.0],
                    help="L2 penalties to cross-validate (one: no cross-validation)")
    ap.add_argument("--cache", default=None, help="evidence cache (default runs/quality/<model>-<revision>.jsonl)")
    ap.add_argument("--dry-run", action="store_true", help="print the fit, do not write mtfix.json")
    args = ap.parse_args()
    spec = modelstore.resolve(args.model)
    target_dir = spec.adapter or spec.weights
    rng = random.Random(args.seed)
    pairs = [p.strip() for p in args.pairs.split(",") if p.strip()]
    texts: list[str] = []
    targets: list[float] = []
    for pair in pairs:
        mt, hter = load_mlqe(Path(args.data) / f"{pair}-train", "train")
        order = list(range(len(mt)))
        rng.shuffle(order)  # a smaller --n takes a prefix of the same order, so cached evidence serves it
        for i in order[:args.n // len(pairs)]:
            texts.append(mt[i])
            targets.append(1.0 - hter[i])
    rewriter = TransformersRewriter(spec, DEFAULT.with_(batch_size=16))
    t0 = time.perf_counter()
    cache = args.cache or f"runs/quality/{spec.model_id}-{spec.revision}.jsonl"
    feats = sentence_features(rewriter, Detector(), texts, cache)
    seconds = time.perf_counter() - t0
    keep = [i for i, f in enumerate(feats) if f is not None]
    rows = [feats[i] for i in keep]
    ys = [targets[i] for i in keep]
    trained_on = f"MLQE-PE train {','.join(pairs)}: {len(rows)} sentences (seed {args.seed}), target 1-HTER"
    l2 = args.l2[0]
    if len(args.l2) > 1:
        scores = {penalty: cross_validate(rows, ys, penalty) for penalty in args.l2}
        for penalty, r in scores.items():
            print(f"  l2 {penalty:g}: 5-fold cross-validated Pearson {r:+.3f}")
        l2 = max(scores, key=lambda k: scores[k])
    model = fit(rows, ys, l2=l2, trained_on=trained_on)
    preds = [model.predict(r) for r in rows]
    fit_r, fit_rho = pearson(preds, ys), spearman(preds, ys)
    model = type(model)(model.weights, model.bias, model.center, model.scale, model.names, trained_on,
                        {"l2": l2, "train_pearson": round(fit_r, 4), "train_spearman": round(fit_rho, 4),
                         "script": "scripts/fit_quality.py"})
    print(f"{trained_on}; features in {seconds:.1f} s (evidence cached in {cache} is not recomputed)")
    for name, w in zip(FEATURES, model.weights):
        print(f"  {name:14} weight {w:+.3f}")
    print(f"  bias {model.bias:+.3f}; on its own training data: Pearson {fit_r:.3f}, Spearman {fit_rho:.3f}")
    for cut in (0.5, 0.6, 0.7, 0.75, 0.8):
        low = [y for p, y in zip(preds, ys) if p < cut]
        bad = sum(y < 0.7 for y in low)
        print(f"  estimate < {cut}: {len(low)} sentences ({len(low) / len(ys):.0%}), {bad} of them with HTER > 0.3"
              f" ({bad / max(len(low), 1):.0%}; {sum(y < 0.7 for y in ys) / len(ys):.0%} of all)")
    if args.dry_run:
        return 0
    meta_path = Path(target_dir) / "mtfix.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    meta["quality"] = model.to_dict()
    write_atomic(meta_path, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")  # the model's config: all or nothing
    print(f"written to {meta_path} (key 'quality')")
    return 0


def cross_validate(rows: list[list[float]], ys: list[float], l2: float, folds: int = 5) -> float:
    """Pearson r of out-of-fold predictions (every k-th sentence in fold k)."""
    preds = [0.0] * len(rows)
    for k in range(folds):
        train = [i for i in range(len(rows)) if i % folds != k]
        model = fit([rows[i] for i in train], [ys[i] for i in train], l2=l2)
        for i in range(k, len(rows), folds):
            preds[i] = model.predict(rows[i])
    return pearson(preds, ys)


if __name__ == "__main__":
    raise SystemExit(main())
