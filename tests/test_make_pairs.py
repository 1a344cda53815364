"""Tests of the training-data builder (mtfix.training.pairs) and its error generator (mtfix.training.damage).

Fast and self-contained: a tiny fake shared-data folder is built in a temporary directory; the real
corpora are never read. Apertium round trips are exercised only when ``apertium`` is on PATH.
"""
from __future__ import annotations

import itertools
import json
import random
import shutil
from pathlib import Path

import pytest

from mtfix.training import damage as mtdamage
from mtfix.training import pairs as make_pairs

HAVE_APERTIUM = shutil.which("apertium") is not None
try:  # MLQE-PE needs sacremoses to detokenise; it is a data-building extra, not a package dependency
    import sacremoses  # noqa: F401
    HAVE_SACREMOSES = True
except ImportError:
    HAVE_SACREMOSES = False

# One sentence built for each rule, and a fragment its output must contain.
RULE_CASES = {
    "drop_article": ("The government has said that the offer was fair.", None),
    "wrong_article": ("He bought the car from the dealer.", None),
    "insert_article": ("He flew to Moscow for talks.", "the"),
    "agreement": ("This offer sucks.", "This offer suck."),
    "preposition": ("He arrived in Paris on Monday.", None),
    "tense": ("The minister resigned yesterday.", "The minister has resigned yesterday."),
    "adverb_placement": ("The President has repeatedly said that we are not enemies.",
                         "The President repeatedly has said that we are not enemies."),
    "adjective_order": ("It caused an economic crisis in the region.", "a crisis economic"),
    "genitive": ("The oil prices fell sharply.", "The prices of oil fell sharply."),
    "calque": ("According to him, nobody knew.", "By his words, nobody knew."),
    "double_negation": ("They will never agree to that.", "They never will not agree to that."),
    "pronoun_gender": ("The company said its profits fell.", "The company said h"),
}


# --------------------------------------------------------------------------- mtdamage
def test_every_rule_has_a_case_and_a_weight():
    assert set(RULE_CASES) == set(mtdamage.RULES) == set(mtdamage.WEIGHTS)


@pytest.mark.parametrize("name", sorted(RULE_CASES))
def test_rule_changes_the_sentence_built_for_it(name):
    sentence, expected = RULE_CASES[name]
    for seed in range(5):
        out = mtdamage.apply_rule(name, sentence, random.Random(seed))
        assert out is not None and out != sentence, (name, seed)
        if expected is not None:
            assert expected in out, (name, out)


def test_more_specific_rule_outputs():
    r = random.Random(0)
    assert mtdamage.apply_rule("tense", "He has lived here since 2010.", r) == \
        "He lived here since 2010."
    assert mtdamage.apply_rule("agreement", "They say it is fine.", random.Random(1)) in (
        "They says it is fine.", "They say it are fine.")
    assert mtdamage.apply_rule("double_negation", "He did not say anything.", r) == "He did not say nothing."
    out = mtdamage.apply_rule("drop_article", "The plan failed.", r)
    assert out == "Plan failed."  # the capital moves to the new first word


def test_rule_returns_none_when_it_does_not_apply():
    r = random.Random(0)
    assert mtdamage.apply_rule("drop_article", "Dogs bark loudly at night.", r) is None
    assert mtdamage.apply_rule("double_negation", "Dogs bark loudly at night.", r) is None
    assert mtdamage.apply_rule("tense", "Dogs bark loudly at night.", r) is None
    assert mtdamage.apply_rule("genitive", "They want to support prices.", r) is None  # a verb, not a noun
    assert mtdamage.apply_rule("tense", "It was not played last year.", r) is None


def test_tokenize_round_trips_text():
    for s in ("He said: \"We'll see,\" and left.", "U.S. prices rose 3.5% (a record).", " A  B "):
        assert mtdamage.detokenize(mtdamage.tokenize(s)) == s.strip()


SENTENCES = [
    "The government has repeatedly said that the offer was fair.",
    "Officials said on Monday that the new rules would take effect in the coming weeks.",
    "She told reporters that the company had not received any request from the ministry.",
    "Thousands of people gathered in the city centre to protest against the economic reforms.",
]


def test_damage_is_deterministic_given_the_rng():
    a = [mtdamage.damage(s, random.Random(f"13:{s}")) for s in SENTENCES]
    b = [mtdamage.damage(s, random.Random(f"13:{s}")) for s in SENTENCES]
    assert a == b
    variants = {mtdamage.damage(SENTENCES[0], random.Random(seed))[0] for seed in range(30)}
    assert len(variants) > 3


def test_damage_keeps_the_target_and_changes_the_source():
    for s in SENTENCES:
        for seed in range(20):
            src, tgt, rules = mtdamage.damage(s, random.Random(seed), translit_prob=0.0)
            assert tgt == s
            assert rules and src != tgt
            assert 1 <= len(rules) <= 3


def test_damage_plants_transliterations_on_both_sides():
    hits = 0
    for seed in range(20):
        src, tgt, rules = mtdamage.damage(SENTENCES[3], random.Random(seed), translit_prob=1.0, common=set())
        if "translit" in rules:
            hits += 1
            word = next(w for w in mtdamage.TRANSLIT_WORDS if w in tgt)
            assert word in src and src != tgt
            assert tgt.replace(word, "") != SENTENCES[3].replace(word, "")  # one real word replaced
            assert len(rules) >= 2  # never a transliteration alone: that pair would teach nothing
    assert hits > 10


# --------------------------------------------------------------------------- filters
def test_filters_reject_each_problem():
    f = make_pairs.Filters()
    good = "The government has repeatedly said that the offer was fair."
    assert f.reject("Government has repeatedly said that offer was fair.", good) is None
    assert f.reject(good, good) == "identical"
    assert f.reject("The *government has said that the offer was fair.", good) == "residue"
    assert f.reject("The government #has said that the offer was fair.", good) == "residue"
    assert f.reject("Government.", good) == "length_ratio"
    assert f.reject(good + " " + good, good) == "length_ratio"
    assert f.reject("Whereupon monkeys juggle purple kites above Oslo!!", good) == "chrf"
    long_ = " ".join(["word"] * 61)
    assert f.reject(long_ + " x", long_) == "too_long"
    assert make_pairs.Filters(min_chrf=99.9).reject("Government has repeatedly said that offer was fair.",
                                                    good) == "chrf"


def test_clean_ok_and_foreign_words():
    ok = make_pairs.clean_ok
    assert ok("The government has said that the offer was fair.", 6, 40)
    assert not ok("Too short.", 6, 40)
    assert not ok("This is such an exciting time for everyone here .", 6, 40)  # tokenised
    assert not ok("I don 't think that this is true at all.", 6, 40)
    assert not ok("Shares of <ACME Corp> rose sharply in early trading today.", 6, 40)
    assert not ok("PRICES ROSE SHARPLY IN EARLY TRADING ON THE EXCHANGE TODAY", 6, 40)
    vocab = {"the", "tax", "of", "days", "in", "every", "year"}
    rt = "The tax of díasdeletra in every year."
    assert make_pairs.foreign_words(rt, "The red-letter days.", vocab) == ["díasdeletra"]
    assert make_pairs.foreign_words("The Zságer days.", "Zságer said.", vocab) == []


def test_key_ignores_tokenisation():
    assert make_pairs.key("I don 't know , he said .") == make_pairs.key("I don't know, he said.")


def test_split_counts_adds_up():
    assert sum(make_pairs.split_counts(1003, make_pairs.COPY_MIX).values()) == 1003
    assert make_pairs.split_counts(10, [("a", 0.5), ("b", 0.5)]) == {"a": 5, "b": 5}


@pytest.mark.skipif(not HAVE_APERTIUM, reason="apertium not on PATH")
def test_apertium_keeps_lines_aligned():
    modes = make_pairs.pick_modes(make_pairs.apertium_modes(), ["spa", "epo"])
    assert modes, "apertium installed but no eng-spa/en-eo modes"
    sents = ["The man ate an apple.", "", "Hello there.", "She said: \"We will never give up.\""] * 30
    for fwd, _ in modes.values():
        out = make_pairs._translate_aligned(fwd, sents)
        assert len(out) == len(sents) and all(o is not None for o in out)
        assert out[1] == "" and out[5] == ""


# --------------------------------------------------------------------------- end to end
NOUNS = ["government", "company", "minister", "committee", "bank", "court", "union", "council"]
OBJECTS = ["proposal", "budget", "report", "plan", "agreement", "decision"]
VERBS = ["rejected", "approved", "criticised", "published", "discussed"]
PLACES = ["Berlin", "Paris", "Madrid", "Prague", "Vienna"]
DAYS = ["on Monday", "on Tuesday", "last week", "in the morning"]


def fake_shared(root: Path) -> tuple[Path, str]:
    clean = root / "clean-en"
    clean.mkdir(parents=True)
    news = [f"The {n} {v} the new {o} in {p} {d}, officials said."
            for n, v, o, p, d in itertools.product(NOUNS, VERBS, OBJECTS, PLACES, DAYS)][:900]
    news.append("This line is tokenised and must never be used as a target .")
    (clean / make_pairs.NEWS.split("/")[1]).write_text("\n".join(news) + "\n", encoding="utf-8")
    reuters = [f"The {n} said it {v} a {o} worth {k} mln dlrs." for n, v, o, k in
               itertools.product(NOUNS, VERBS, OBJECTS, range(1, 6))]
    (clean / make_pairs.REUTERS.split("/")[1]).write_text("\n".join(reuters) + "\n", encoding="utf-8")
    tatoeba = [f"I saw the {o} in {p}." for o, p in itertools.product(OBJECTS, PLACES)]
    (clean / make_pairs.TATOEBA.split("/")[1]).write_text("\n".join(tatoeba) + "\n", encoding="utf-8")
    for lp in ("ru-en", "ro-en"):
        d = root / "dev" / "mlqe-pe" / f"{lp}-train"
        d.mkdir(parents=True)
        pe = [f"The {n} {v} the {o} in {p} ."
              for n, v, o, p in itertools.product(NOUNS, VERBS, OBJECTS, PLACES)]
        mt = [s.replace("The ", "", 1).replace(" the ", " a ") for s in pe]
        # MT the post-editor left as it was: the source of the optional "kept-<pair>" pairs.
        who = "Officials" if lp == "ru-en" else "Ministers"
        kept = [f"{who} in {p} met {d} ." for p, d in itertools.product(PLACES, DAYS)]
        mt, pe = mt + kept, pe + kept
        (d / "train.mt").write_text("\n".join(mt) + "\n", encoding="utf-8")
        (d / "train.pe").write_text("\n".join(pe) + "\n", encoding="utf-8")
        (d / "train.hter").write_text("\n".join(["0.2"] * len(pe)) + "\n", encoding="utf-8")
    # An evaluation file holding one news line: that line must not reach the output.
    evald = root / "dev" / "wmt13-ruen"
    evald.mkdir(parents=True)
    (evald / "ref.en").write_text(news[0] + "\n", encoding="utf-8")
    return root, news[0]


def run_builder(tmp_path: Path, shared: Path, name: str, *extra: str) -> tuple[list[dict], list[dict], dict]:
    out = tmp_path / name
    argv = ["--shared", str(shared), "--out", str(out), "--cache", str(tmp_path / "cache"),
            "--n-rules", "60", "--n-copy", "40", "--dev-size", "20",
            "--n-mlqe", "20" if HAVE_SACREMOSES else "0", *extra]
    argv += ["--n-roundtrip", "16"] + (["--modes", "spa,epo"] if HAVE_APERTIUM else ["--no-apertium"])
    assert make_pairs.main(argv) == 0
    train = [json.loads(line) for line in (out / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    dev = [json.loads(line) for line in (out / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    return train, dev, stats


def test_end_to_end_on_a_fake_shared_dir(tmp_path, capsys):
    shared, banned = fake_shared(tmp_path / "shared")
    train, dev, stats = run_builder(tmp_path, shared, "a")
    printed = capsys.readouterr().out
    assert "rules" in printed and "copy" in printed

    origins = {r["origin"] for r in train}
    assert {"rules", "copy"} <= origins
    if HAVE_SACREMOSES:
        assert {"mlqe-ru-en", "mlqe-ro-en"} <= origins
    if HAVE_APERTIUM:
        assert any(o.startswith("roundtrip-") for o in origins)
    allowed = {"rules", "copy"} | {f"mlqe-{p}" for p in make_pairs.MLQE_PAIRS} | \
        {f"roundtrip-{c}" for c in make_pairs.APERTIUM_MODES}
    assert origins <= allowed

    counts = stats["counts"]["train"]
    assert counts["rules"] == 60 and counts["copy"] == 40
    if HAVE_SACREMOSES:
        assert sum(v for k, v in counts.items() if k.startswith("mlqe-")) == 20
    assert 15 <= len(dev) <= 25

    for r in train + dev:
        assert set(r) == {"src", "tgt", "origin"}
        if r["origin"] == "copy":
            assert r["src"] == r["tgt"]
        else:
            assert r["src"] != r["tgt"]
            assert make_pairs.Filters().reject(r["src"], r["tgt"]) is None
        assert not make_pairs.TOKENISED_RE.search(r["tgt"])  # no "time ." targets; MLQE detokenised
        assert make_pairs.key(banned) not in (make_pairs.key(r["src"]), make_pairs.key(r["tgt"]))

    dev_sents = {make_pairs.key(r["src"]) for r in dev} | {make_pairs.key(r["tgt"]) for r in dev}
    assert not any(make_pairs.key(r["src"]) in dev_sents or make_pairs.key(r["tgt"]) in dev_sents
                   for r in train)
    assert len({r["src"] for r in train}) == len(train)

    # Same seed, same bytes (the Apertium cache is reused on the second run).
    run_builder(tmp_path, shared, "b")
    for f in ("train.jsonl", "dev.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


@pytest.mark.skipif(not HAVE_SACREMOSES, reason="MLQE-PE pairs need sacremoses")
def test_kept_mlqe_pairs_are_mt_its_post_editor_left_unchanged(tmp_path):
    shared, _ = fake_shared(tmp_path / "shared")
    base, base_dev, _ = run_builder(tmp_path, shared, "plain")
    assert not any(r["origin"].startswith("kept-") for r in base + base_dev)  # off by default
    train, dev, stats = run_builder(tmp_path, shared, "kept", "--n-kept-mlqe", "12")
    kept = [r for r in train + dev if r["origin"].startswith("kept-")]
    assert {r["origin"] for r in kept} == {"kept-ru-en", "kept-ro-en"}
    assert len(kept) == 12 + round(20 * 12 / (60 + 40 + 20 + 12 + (16 if HAVE_APERTIUM else 0)))
    unchanged = {f"{w} in {p} met {d}." for w, p, d in itertools.product(("Officials", "Ministers"), PLACES, DAYS)}
    assert all(r["src"] == r["tgt"] and r["src"] in unchanged for r in kept)  # detokenised, as MLQE pairs
    assert len({r["src"] for r in train + dev}) == len(train) + len(dev)
    assert not any(r["src"] in unchanged for r in base if r["origin"].startswith("mlqe-"))
    with pytest.raises(SystemExit):
        make_pairs.parse_args(["--n-kept-mlqe", "-1"])


def test_help_and_bad_arguments(capsys):
    with pytest.raises(SystemExit) as e:
        make_pairs.parse_args(["--help"])
    assert e.value.code == 0
    assert "--n-roundtrip" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        make_pairs.parse_args(["--modes", "xx"])
    with pytest.raises(SystemExit):
        make_pairs.parse_args(["--n-copy", "-1"])
