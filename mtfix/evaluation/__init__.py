"""Evaluation: the dev sets, fixers (baselines and mtfix), sacrebleu scores, GLEU, quality-estimate fitting.
May import the runtime stages (text, model, rules, pipeline) and engine.progress; only training, CLI import it."""
