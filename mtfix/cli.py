"""The ``mtfix`` command: one short handler per subcommand, each delegating to the library."""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from typing import IO, Any

from mtfix.config import DEFAULT, DTYPES, LEVELS
from mtfix.text.textio import ERRORS, InputError, read_lines, read_text, write_atomic
from mtfix.version import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_FINDINGS, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EPILOG = """exit codes: 0 success; 1 an input or the model failed (the other inputs were still processed);
2 usage error; 3 (check --fail-on) bilingual findings of that severity or worse; 130 interrupted.
NO_COLOR in the environment turns colours off."""


class UsageError(Exception):
    """A combination of options that cannot work; reported in one line."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``mtfix`` and ``python -m mtfix``."""
    args = build_parser().parse_args(argv)
    from mtfix.model.store import ModelError

    try:
        return args.handler(args)
    except (InputError, ModelError, UsageError) as exc:
        print(f"mtfix: error: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_FAILED
    except KeyboardInterrupt:
        print("\nmtfix: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`mtfix ... | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from mtfix.report import FORMATS

    parser = argparse.ArgumentParser(prog="mtfix", epilog=EPILOG,
                                     description="Suggest fluent corrections for machine-translated English.")
    parser.add_argument("--version", action="version", version=f"mtfix {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    model = argparse.ArgumentParser(add_help=False)
    group = model.add_argument_group("model")
    group.add_argument("--model", default=None, metavar="NAME|DIR",
                       help="'default' (models/default, else the base model prompted), 'base', or a model "
                            "directory (full weights or a LoRA adapter)")
    group.add_argument("--level", choices=tuple(LEVELS), default=DEFAULT.level,
                       help="how sure the model must be before a sentence is changed: conservative "
                            f"(least change) ... fluent (most repair) (default: {DEFAULT.level})")
    _speed_options(group)
    group.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _flag_options(group)

    view = argparse.ArgumentParser(add_help=False)
    view.add_argument("-o", "--output", metavar="OUT", help="write here (atomically) instead of stdout")
    view.add_argument("--color", action=argparse.BooleanOptionalAction, default=None,
                      help="colour the terminal views "
                           "(default: when stdout is a terminal and NO_COLOR is unset)")
    view.add_argument("--width", type=_positive, default=None,
                      help="columns for side-by-side (default: the terminal's)")

    files = _file_options_parser()
    p = sub.add_parser("correct", parents=[model, view, files], epilog=EPILOG,
                       help="correct files (or stdin) and print the corrected text or a report")
    p.add_argument("files", nargs="*", metavar="FILE", help="input files; '-' or none for stdin")
    p.add_argument("-f", "--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--lines", action="store_true",
                   help="line mode: each input line is one unit; one output line per input line")
    p.add_argument("--errors", choices=ERRORS, default="strict",
                   help="bytes that are not UTF-8: refuse the file (strict, default), replace them with "
                        "U+FFFD, or keep them unchanged")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--output-dir", metavar="DIR",
                       help="one output per input in DIR; a rerun skips outputs already there (resume)")
    where.add_argument("--in-place", action="store_true",
                       help="correct each file in place (text format), keeping the original as FILE.orig; "
                            "a rerun skips files already corrected")
    p.add_argument("--backup-suffix", default=".orig", metavar="SUFFIX", help="for --in-place (default: .orig)")
    p.add_argument("--overwrite", action="store_true", help="redo outputs that already exist")
    _source_options(p, apply=True)
    _add_ray_options(p)
    p.set_defaults(handler=cmd_correct)

    p = sub.add_parser("review", parents=[model, view, files], epilog=EPILOG,
                       help="show original and corrected side by side (FILE may be a saved .json/.jsonl)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-f", "--format", choices=("side-by-side", "inline", "html"), default="side-by-side")
    p.add_argument("--html", metavar="OUT", help="write the interactive review page (one self-contained HTML "
                                                 "file) to OUT instead of showing the terminal view")
    _source_options(p, apply=True)
    p.set_defaults(handler=cmd_review)

    p = sub.add_parser("check", parents=[files], epilog=EPILOG,
                       help="flag untranslated words, estimate each sentence's quality and, where a source is "
                            "given, run the bilingual checks; no rewriting")
    p.add_argument("files", nargs="*", metavar="FILE", help="input files; '-' or none for stdin")
    p.add_argument("-f", "--format", choices=FORMATS, default="text",
                   help="output format; text lists the sentences worth a look (default: text)")
    p.add_argument("--lines", action="store_true", help="line mode: each input line is one unit")
    p.add_argument("--errors", choices=ERRORS, default="strict", help="bytes that are not UTF-8 (as for correct)")
    p.add_argument("-o", "--output", metavar="OUT", help="write here (atomically) instead of stdout")
    p.add_argument("--color", action=argparse.BooleanOptionalAction, default=None, help="colour the terminal views")
    p.add_argument("--width", type=_positive, default=None, help="columns for side-by-side")
    p.add_argument("--model", default=None, metavar="NAME|DIR", help="the model whose forward pass scores quality")
    _speed_options(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ranking = p.add_argument_group("ranking by quality (the data-cleaning use; -f text, json or jsonl)")
    ranking.add_argument("--below", type=_unit, default=None, metavar="X",
                         help="list only the sentences whose quality estimate is below X (0-1), worst first")
    ranking.add_argument("--worst", type=_positive, default=None, metavar="N",
                         help="list only the N sentences of lowest quality, worst first (with --below: of those)")
    group = _source_options(p, apply=False)
    group.add_argument("--fail-on", choices=("error", "warning", "info"), default=None, metavar="SEVERITY",
                       help="exit with status 3 when a bilingual finding of this severity or worse exists "
                            "(error, warning or info), to gate a build on it")
    p.set_defaults(handler=cmd_check, level=DEFAULT.level, min_confidence=0.0, flags=True, spelling=False,
                   typography=False, cognates=False, apply_checks=False,
                   edit_types="rules")

    p = sub.add_parser("score", epilog=EPILOG, help="sacrebleu BLEU, chrF and TER of a hypothesis file")
    p.add_argument("--hyp", required=True, metavar="FILE", help="system output, one segment a line")
    p.add_argument("--ref", required=True, action="append", metavar="FILE", help="reference (repeatable)")
    p.add_argument("--metrics", default="bleu,chrf,ter", help="comma-separated (default: bleu,chrf,ter)")
    p.add_argument("-f", "--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_score)

    p = sub.add_parser("eval", epilog=EPILOG,
                       help="raw vs repaired MT: BLEU/chrF/TER (GLEU for JFLEG) per system and fixer")
    p.add_argument("--preset", choices=("wmt13", "wmt21", "jfleg", "mlqe"), help="a dev set of the shared data")
    p.add_argument("--data", metavar="DIR", help="the shared dev data (default: ../shared/data/dev "
                                                 "beside the source tree, or $MTFIX_EVAL_DATA)")
    p.add_argument("--pair", action="append", default=[], metavar="XX-EN", help="MLQE-PE pair (repeatable; "
                                                                                "default: all)")
    p.add_argument("--mt", action="append", default=[], metavar="FILE", help="a system's output (repeatable)")
    p.add_argument("--ref", action="append", default=[], metavar="FILE", help="a reference (repeatable)")
    p.add_argument("--src", metavar="FILE", help="the translated source (checked for length only)")
    p.add_argument("--tokenized", action="store_true", help="--mt/--ref are Moses-tokenised (needs sacremoses)")
    p.add_argument("--metrics", default="", help="comma-separated, from bleu,chrf,ter,gleu (default: the "
                                                 "preset's; bleu,chrf,ter for files)")
    p.add_argument("--systems", default="", help="comma-separated system names to keep (default: all)")
    p.add_argument("--fixers", default="identity,base,harper,default", help="comma-separated: identity, "
                   "harper, base (zero-shot), default, or a model directory (default: %(default)s)")
    p.add_argument("--limit", type=int, default=200, metavar="N",
                   help="score the same N random lines of every system; 0 = all (default: 200)")
    p.add_argument("--seed", type=int, default=1, help="seed of the line sample and the bootstrap (default: 1)")
    p.add_argument("-f", "--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("-o", "--output", metavar="OUT", help="write here (atomically) instead of stdout")
    p.add_argument("--level", choices=tuple(LEVELS), default=DEFAULT.level, help="gate level of the mtfix fixers")
    _rule_options(p)
    _speed_options(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_eval)

    p = sub.add_parser("train", epilog=EPILOG,
                       help="fine-tune the model on your own post-edits; writes a model folder for --model")
    p.add_argument("pairs", metavar="FILE", help="MT -> post-edit pairs: .tsv (MT<TAB>post-edit) or .jsonl "
                                                 "({\"mt\": ..., \"pe\": ...}); or the MT version of a translation "
                                                 "file, with --post-edited")
    p.add_argument("--post-edited", metavar="FILE", help="the post-edited version of FILE (XLIFF, TMX, PO, CSV, "
                                                         "JSONL, SRT/VTT): segments matched by unit id")
    p.add_argument("-o", "--output", required=True, metavar="DIR",
                   help="the model folder to write; checkpoints go to DIR.train/, and a rerun resumes there")
    p.add_argument("--model", default="default", metavar="NAME|DIR", help="the model to start from (default: "
                                                                          "default, continuing its adapter)")
    p.add_argument("--steps", type=_positive, default=None, metavar="N",
                   help="optimizer steps (default: --epochs passes over the pairs)")
    p.add_argument("--epochs", type=float, default=2.0, help="passes over the pairs (default: 2)")
    p.add_argument("--lr", type=float, default=1e-4, help="learning rate (default: 1e-4)")
    p.add_argument("--batch-size", type=_positive, default=8, metavar="N", help="pairs a step (default: 8)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--max-minutes", type=float, default=None, metavar="M",
                   help="stop cleanly after M minutes (checkpoint and export); run again to go on")
    p.add_argument("--fresh", action="store_true", help="start over instead of resuming DIR.train/")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_train)
    return parser


def _source_options(p: Any, apply: bool) -> Any:
    """--source, --glossary, --checks (and --apply-checks): the bilingual checks (correct, review, check)."""
    from mtfix.checks import KINDS

    group = p.add_argument_group("source and bilingual checks (where the file holds the source: XLIFF, PO, TMX, "
                                 "or --source-column/--source-field)")
    group.add_argument("--source", metavar="FILE",
                       help="the source of a plain-text input, line by line (implies --lines; one input file)")
    group.add_argument("--glossary", metavar="FILE",
                       help="terms: TSV 'source term<TAB>required target term[<TAB>forbidden|variants]', or TBX")
    group.add_argument("--checks", default=",".join(DEFAULT.checks), metavar="KINDS", type=_kinds,
                       help=f"comma-separated bilingual checks to run, from {','.join(KINDS)}; 'none' for none "
                            "(default: all)")
    if apply:
        group.add_argument("--apply-checks", action="store_true",
                           help="apply the checks' suggested fixes (a restored tag or number, the glossary's term, "
                                "a missing '?') where no model edit overlaps them; default: only show them")
    return group


def _kinds(value: str) -> tuple[str, ...]:
    from mtfix.checks import KINDS

    kinds = tuple(k.strip() for k in value.split(",") if k.strip() and k.strip() != "none")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown check {unknown[0]!r}; choose from {', '.join(KINDS)} or none")
    return kinds


def _flag_options(group: Any) -> None:
    """Options of the flags, quality and typed-edits feature (shared by correct and review)."""
    group.add_argument("--min-confidence", type=_unit, default=DEFAULT.min_confidence, metavar="X",
                       help="show and apply only edits at least this confident, 0..1 "
                            f"(default: {DEFAULT.min_confidence})")
    group.add_argument("--flags", action=argparse.BooleanOptionalAction, default=DEFAULT.flags,
                       help="flag untranslated words (default: on)")
    _rule_options(group)
    group.add_argument("--edit-types", choices=("auto", "errant", "rules"), default=DEFAULT.edit_types,
                       help="who types edits: ERRANT (mtfix[types]), rules, or auto: ERRANT when installed "
                            f"(default: {DEFAULT.edit_types})")


def _rule_options(p: Any) -> None:
    """--cognates, --spelling and --typography: the rule stages after the gate (correct, review, eval)."""
    p.add_argument("--cognates", action=argparse.BooleanOptionalAction, default=DEFAULT.cognates,
                   help="render untranslated Cyrillic words that English shares, e.g. диаметром -> diameter, "
                        "телескопы -> telescopes; other untranslated words stay flagged (default: on)")
    p.add_argument("--spelling", action=argparse.BooleanOptionalAction, default=DEFAULT.spelling,
                   help="fix clear misspellings of common words, e.g. peaple -> people (harper-py's dictionary; "
                        "names and untranslated words are left alone) (default: on)")
    p.add_argument("--typography", action=argparse.BooleanOptionalAction, default=DEFAULT.typography,
                   help="make TeX quotes (``...'') plain and drop spaces before punctuation (\"sure : so\" -> "
                        "\"sure: so\") (default: on)")


def _unit(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {value!r}")
    return number


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return number


# --- handlers -------------------------------------------------------------------------------

def cmd_correct(args: argparse.Namespace) -> int:
    from mtfix.engine.batch import Batch, count_lines, report_error

    names = _inputs(args)
    if (args.in_place or args.output_dir) and args.output:
        raise UsageError("-o cannot be combined with --in-place or --output-dir")
    if args.in_place and args.format != "text":
        raise UsageError("--in-place writes corrected text; it cannot be combined with --format")
    bar = _progress(args, "lines")
    total = count_lines(names)
    opts = _batch_options(args, names, args.format)
    engine_errors: tuple[type[Exception], ...] = ()  # the Ray engine's, reported in one line
    if args.engine == "ray":
        from mtfix.engine.distributed import EngineError

        if args.source:
            raise UsageError("--source runs on the local engine only")
        batch, engine_errors = _ray_batch(args, opts, lambda n, _total: bar.advance(n, total)), (EngineError,)
    else:
        _refuse_ray_options(args)
        batch = Batch(_bilingual(_corrector(args), args), opts, report_error, lambda n, _total: bar.advance(n, total))
    try:
        if args.in_place:
            batch.in_place(names, args.backup_suffix, args.overwrite)
        elif args.output_dir:
            batch.to_folder(names, args.output_dir, args.overwrite)
        elif args.output:
            batch.to_file(names, args.output)
        else:
            batch.to_stream(names, _stdout())
    except engine_errors as exc:
        print(f"mtfix: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        bar.close()
    if batch.skipped and not args.quiet:
        print(f"mtfix: skipped {batch.skipped} input(s) finished in an earlier run (--overwrite to redo)",
              file=sys.stderr)
    return _exit_status(batch, names, "corrected")


def cmd_review(args: argparse.Namespace) -> int:
    results = _review_file(args)  # None unless FILE is XLIFF, PO, ... (see mtfix.formats)
    if results is None and args.file.endswith((".json", ".jsonl")):
        text = read_text(args.file)
        from mtfix.report import load_json

        try:
            results = load_json(text)
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{args.file}: not an mtfix JSON result ({exc})") from None
        if args.min_confidence:
            from mtfix.result import keep_confident

            results = [keep_confident(r, args.min_confidence) for r in results]
    elif results is None:
        results = _correct(args, [read_text(args.file)], [args.file])
    if args.html:
        from mtfix.report import render

        write_atomic(args.html, render(results, "html"))
        print(f"mtfix: review page written to {args.html}", file=sys.stderr)
        return EXIT_OK
    _emit(args, _render(args, results))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from mtfix.engine.batch import Batch, Checker, count_lines, report_error

    names = _inputs(args)
    bar = _progress(args, "lines")
    total = count_lines(names)
    fmt = "flags" if args.format == "text" else args.format  # the source text itself says nothing
    checker = Checker(_bilingual(_corrector(args), args))
    try:
        checker.corrector.detector  # noqa: B018 - fail now, in one line, if the flags extra is missing
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    opts = _batch_options(args, names, fmt)
    if args.below is not None or args.worst is not None:
        opts = _ranking(args, opts)
    batch = Batch(checker, opts, report_error, lambda n, _total: bar.advance(n, total),
                  render=_check_render(args, checker, opts, fmt))
    try:
        if args.output:
            batch.to_file(names, args.output)
        else:
            batch.to_stream(names, _stdout())
    finally:
        bar.close()
    status = _exit_status(batch, names, "checked")
    if status == EXIT_OK and args.fail_on and checker.found(args.fail_on):
        return EXIT_FINDINGS
    return status


def _ranking(args: argparse.Namespace, opts: Any) -> Any:
    """The batch options of ``check --below/--worst``: every unit is kept until the end to be ranked."""
    if args.format not in ("text", "flags", "json", "jsonl"):
        raise UsageError(f"--below and --worst list sentences; use -f text, json or jsonl, not {args.format}")
    return dataclasses.replace(opts, fmt="json")  # not a streaming format: the ranking needs every unit


def _check_render(args: argparse.Namespace, checker: Any, opts: Any, fmt: str) -> Any:
    """How ``mtfix check`` renders what it checked: the chosen view, or the quality ranking."""
    from mtfix.report import render

    if args.below is None and args.worst is None:
        return lambda rs: render(checker.seen(rs), fmt, color=opts.color, width=opts.width)
    from mtfix.report.ranked import render_ranked

    return lambda rs: render_ranked(checker.seen(rs), args.format, below=args.below, worst=args.worst,
                                    lines=opts.lines, color=opts.color)


def _inputs(args: argparse.Namespace) -> list[str]:
    """The FILE arguments of correct/check; none means stdin, which can be read once."""
    names = args.files or ["-"]
    if names.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    return names


def _exit_status(batch: Any, names: list[str], verb: str) -> int:
    """Exit code of a batch run: one line when every one of several inputs failed (one input: its own
    error line already said it all)."""
    if batch.failed == len(names) > 1:
        raise InputError(f"no input could be {verb}")
    return EXIT_FAILED if batch.failed else EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    from mtfix.evaluation.scoring import corpus_scores

    hyps = read_lines(args.hyp)
    refs = [read_lines(r) for r in args.ref]
    try:
        scores = corpus_scores(hyps, refs, [m.strip().lower() for m in args.metrics.split(",") if m.strip()])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        print(json.dumps([s.to_dict() for s in scores], indent=2, ensure_ascii=False))
    else:
        for s in scores:
            print(f"{s.text}\n  {s.signature}")
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from mtfix.engine.progress import ProgressBar
    from mtfix.evaluation import run as ev
    from mtfix.evaluation.baselines import make_fixers

    split = lambda text: [x.strip() for x in text.split(",") if x.strip()]  # noqa: E731
    try:
        sets = ev.load_sets(args.preset, args.data, args.pair, args.mt, args.ref, args.src,
                            split(args.metrics.lower()), args.tokenized, split(args.systems))
        config = DEFAULT.at_level(args.level).with_(batch_size=args.batch_size, num_threads=args.threads or 0,
                                                    dtype=args.dtype, spelling=args.spelling,
                                                    typography=args.typography, cognates=args.cognates)
        fixers = make_fixers(split(args.fixers), config)
    except (ValueError, ImportError) as exc:
        raise UsageError(str(exc)) from None
    bar = ProgressBar("lines", enabled=not args.quiet and sys.stderr.isatty())
    try:
        report = ev.evaluate(sets, fixers, limit=args.limit, seed=args.seed, progress=bar)
    finally:
        bar.close()
    _emit(args, ev.render(report, args.format))
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from mtfix.training.postedits import read_pairs, train_on_postedits
    from mtfix.training.trainer import TrainingError

    pairs = read_pairs(args.pairs, args.post_edited)
    bar = _progress(args, "steps")
    try:
        out = train_on_postedits(pairs, args.output, args.model, fresh=args.fresh, max_minutes=args.max_minutes,
                                 progress=bar, steps=args.steps, epochs=args.epochs, lr=args.lr,
                                 batch_size=args.batch_size, device=args.device)
    except TrainingError as exc:
        raise InputError(str(exc)) from None
    finally:
        bar.close()
    print(f"mtfix: model written to {out} (use it with --model {out})", file=sys.stderr)
    return EXIT_OK


# --- helpers --------------------------------------------------------------------------------

def _speed_options(p: Any) -> None:
    """--batch-size, --threads and --dtype, for every command that runs the model."""
    p.add_argument("--batch-size", type=_positive, default=DEFAULT.batch_size, metavar="N",
                   help=f"sentences per model batch (default: {DEFAULT.batch_size})")
    p.add_argument("--threads", type=_positive, default=None, metavar="N",
                   help="CPU threads for the model (default: one per core)")
    p.add_argument("--dtype", choices=DTYPES, default=DEFAULT.dtype,
                   help="model weights: float32 (exact) or bfloat16 (about 1.8x faster on CPUs with AVX512-BF16 "
                        "or AMX, much slower without; rewrites may differ slightly) (default: %(default)s)")


def _config(args: argparse.Namespace) -> Any:
    """The Config of a correct/review/check run, the same for the local and the Ray engine."""
    return DEFAULT.at_level(args.level).with_(batch_size=args.batch_size, num_threads=args.threads or 0,
                                              dtype=args.dtype, min_confidence=args.min_confidence, flags=args.flags,
                                              spelling=args.spelling, typography=args.typography,
                                              cognates=args.cognates,
                                              edit_types=args.edit_types)


def _corrector(args: argparse.Namespace) -> Any:
    from mtfix.pipeline import Corrector

    return Corrector(model=args.model, config=_config(args))


def _bilingual(corrector: Any, args: argparse.Namespace) -> Any:
    """``corrector`` with the bilingual options of ``args``: --checks, --apply-checks and --glossary."""
    corrector.config = corrector.config.with_(checks=args.checks, apply_checks=bool(args.apply_checks))
    if args.glossary:
        from mtfix.checks import GlossaryError, load_glossary

        try:
            corrector.glossary = load_glossary(args.glossary)
        except (GlossaryError, OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{args.glossary}: cannot read the glossary ({exc})" if isinstance(exc, OSError)
                             else str(exc)) from None
    return corrector


def _batch_options(args: argparse.Namespace, names: list[str], fmt: str) -> Any:
    """The engine's Options of a correct/check run; --source pairs one plain-text input with its source."""
    from mtfix.engine.batch import Options

    files = _file_options(args)
    if args.source:
        from mtfix.formats import format_of

        if len(names) != 1 or names == ["-"]:
            raise UsageError("--source goes with one input file (its source, line by line)")
        if format_of(names[0], files) is not None:
            raise UsageError(f"--source is for plain text; {names[0]} is {format_of(names[0], files)}, whose source "
                             "is read from the file itself (or --source-column/--source-field)")
    return Options(fmt, args.lines or bool(args.source), args.errors, _use_color(args), args.width, files=files,
                   source=args.source)


def _progress(args: argparse.Namespace, label: str = "sentences") -> Any:
    from mtfix.engine.progress import ProgressBar

    return ProgressBar(label, enabled=not args.quiet and sys.stderr.isatty())


def _correct(args: argparse.Namespace, texts: list[str], labels: list[str]) -> list[Any]:
    corrector, bar = _bilingual(_corrector(args), args), _progress(args)
    try:
        if args.source:  # review FILE --source SRC: line by line, each against its source line
            from mtfix.engine.batch import check_aligned
            from mtfix.result import join_results
            from mtfix.text.textio import iter_lines

            check_aligned(labels[0], args.source)
            lines = list(iter_lines(labels[0]))
            sources = [body for _n, body, _end in iter_lines(args.source)]
            parts = corrector.correct_batch([body for _n, body, _end in lines],
                                            [f"{labels[0]}:{n}" for n, _b, _e in lines], progress=bar, sources=sources)
            return [join_results(parts, [end for _n, _b, end in lines], labels[0])]
        return corrector.correct_batch(texts, labels, progress=bar)
    finally:
        bar.close()


def _render(args: argparse.Namespace, results: list[Any]) -> str:
    from mtfix.report import render

    return render(results, args.format, color=_use_color(args), width=args.width)


def _use_color(args: argparse.Namespace) -> bool:
    to_files = args.output or getattr(args, "output_dir", None) or getattr(args, "in_place", False)
    if args.color is not None:
        return bool(args.color and not to_files)
    return not to_files and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _emit(args: argparse.Namespace, text: str) -> None:
    if args.output:
        write_atomic(args.output, text)
    else:
        _stdout().write(text)


def _stdout() -> IO[str]:
    # Explicit UTF-8 and no newline translation, whatever the locale says.
    if hasattr(sys.stdout, "reconfigure"):
        # surrogateescape gives back, unchanged, bytes that --errors keep carried through.
        sys.stdout.reconfigure(encoding="utf-8", newline="", errors="surrogateescape")
    return sys.stdout




# --- translation and data files (mtfix.formats) ---------------------------------------------

def _file_options_parser() -> argparse.ArgumentParser:
    from mtfix.formats import FORMATS, FileOptions

    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("translation and data files (.xlf .xliff .po .tmx .srt .vtt .csv .tsv "
                                      ".jsonl)")
    group.add_argument("--input-format", choices=(*FORMATS, "text"), default=None,
                       help="read inputs as this format (default: from the file name; other names are plain text)")
    group.add_argument("--column", metavar="NAME|NUMBER",
                       help="CSV/TSV: the column of English text, by header name or number from 1 "
                            "(a number means the file has no header row)")
    group.add_argument("--field", metavar="NAME", help="JSONL: the field of English text (a.b for nested objects)")
    group.add_argument("--source-column", metavar="NAME|NUMBER",
                       help="CSV/TSV: the column of the source text, for the bilingual checks (as --column)")
    group.add_argument("--source-field", metavar="NAME",
                       help="JSONL: the field of the source text, for the bilingual checks (as --field)")
    mark = FileOptions().mark_changes
    group.add_argument("--mark-changes", action=argparse.BooleanOptionalAction, default=mark,
                       help="mark repaired segments where the format has a place for it: XLIFF state, PO fuzzy "
                            f"flag, a TMX prop (default: {'on' if mark else 'off'})")
    return parser


def _file_options(args: argparse.Namespace) -> Any:
    from mtfix.formats import FileOptions

    return FileOptions(args.input_format, args.column, args.field, args.mark_changes, args.source_column,
                       args.source_field)


def _review_file(args: argparse.Namespace) -> list[Any] | None:
    """Segment results of a translation or data file; None for plain text and saved mtfix JSON."""
    from mtfix import formats

    options = _file_options(args)
    fmt = formats.format_of(args.file, options)
    saved = args.file.endswith((".json", ".jsonl")) and not (args.input_format or args.field)
    if fmt is None or saved:
        return None
    bar = _progress(args, "lines")
    try:
        results = formats.correct_input(_bilingual(_corrector(args), args), args.file, fmt, options, "strict", False,
                                        lambda _text: None, lambda n, _total: bar.advance(n, 0))
    finally:
        bar.close()
    return results or []


# --- the Ray engine (mtfix.engine.distributed) -------------------------------------------------------

def _add_ray_options(p: argparse.ArgumentParser) -> None:
    from mtfix.engine.distributed import RayOptions

    d = RayOptions()
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="where line-mode correction runs: this process (local, default) or a Ray cluster "
                        "(ray; needs --lines and text or jsonl; pip install 'mtfix[ray]')")
    group = p.add_argument_group("Ray engine (--engine ray)")
    group.add_argument("--address", default=d.address, metavar="ADDR",
                       help="a running Ray cluster ('auto', 'ray://HEAD:10001') (default: $RAY_ADDRESS, "
                            "else start one here for the run)")
    group.add_argument("--workers", type=_positive, default=None, metavar="N",
                       help="Ray actors, each loading the model once and using --threads CPU threads (with Ray "
                            "1 unless given) (default: the cluster's CPUs divided by --threads)")
    group.add_argument("--shard-lines", type=_positive, default=d.shard_lines, metavar="N",
                       help="lines per shard, the unit of work, retry and resume; a multiple of 64 "
                            f"(default: {d.shard_lines})")


def _ray_batch(args: argparse.Namespace, opts: Any, progress: Any) -> Any:
    from mtfix.engine.batch import report_error
    from mtfix.engine.distributed import STREAMING_FORMATS, RayBatch, RayOptions, corrector_factory, import_ray

    if not args.lines:
        raise UsageError("--engine ray corrects line by line: add --lines")
    if args.format not in STREAMING_FORMATS:
        raise UsageError(f"--engine ray writes {' or '.join(STREAMING_FORMATS)}, not {args.format}")
    try:
        import_ray()
        options = RayOptions(args.address, args.workers or 0, args.threads or 1, args.shard_lines)
    except (ImportError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    from mtfix.formats import format_of

    for name in args.files or ["-"]:
        fmt = format_of(name, opts.files)
        if fmt is not None:
            raise UsageError(f"--engine ray corrects plain text lines; {name} is {fmt} (use the local engine)")
    return RayBatch(corrector_factory(args.model, _config(args)), opts, report_error, progress, options)


def _refuse_ray_options(args: argparse.Namespace) -> None:
    from mtfix.engine.distributed import RayOptions

    given = [flag for flag, value, default in (("--address", args.address, None), ("--workers", args.workers, None),
                                               ("--shard-lines", args.shard_lines, RayOptions().shard_lines))
             if value != default]
    if given:
        raise UsageError(f"{', '.join(given)} only apply to --engine ray")
