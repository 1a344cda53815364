"""The ``mtfix`` command: one short handler per subcommand, each delegating to the library."""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from typing import IO, Any

from mtfix import __version__
from mtfix.config import DEFAULT
from mtfix.result import join_lines
from mtfix.textio import InputError, read_text, write_atomic

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EPILOG = """exit codes: 0 success; 1 an input or the model failed (the other inputs were still processed);
2 usage error; 130 interrupted. NO_COLOR in the environment turns colours off."""
LINE_CHUNK = 64  # lines corrected per batch in --lines mode: output appears as work proceeds


class UsageError(Exception):
    """A combination of options that cannot work; reported in one line."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``mtfix`` and ``python -m mtfix``."""
    args = build_parser().parse_args(argv)
    from mtfix.modelstore import ModelError

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
    group.add_argument("--batch-size", type=_positive, default=DEFAULT.batch_size, metavar="N",
                       help=f"sentences per model batch (default: {DEFAULT.batch_size})")
    group.add_argument("--threads", type=_positive, default=None, metavar="N",
                       help="CPU threads for the model (default: one per core)")
    group.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    view = argparse.ArgumentParser(add_help=False)
    view.add_argument("-o", "--output", metavar="OUT", help="write here (atomically) instead of stdout")
    view.add_argument("--color", action=argparse.BooleanOptionalAction, default=None,
                      help="colour the terminal views "
                           "(default: when stdout is a terminal and NO_COLOR is unset)")
    view.add_argument("--width", type=_positive, default=None,
                      help="columns for side-by-side (default: the terminal's)")

    p = sub.add_parser("correct", parents=[model, view], epilog=EPILOG,
                       help="correct files (or stdin) and print the corrected text or a report")
    p.add_argument("files", nargs="*", metavar="FILE", help="input files; '-' or none for stdin")
    p.add_argument("-f", "--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--lines", action="store_true",
                   help="line mode: each input line is one unit; one output line per input line")
    p.set_defaults(handler=cmd_correct)

    p = sub.add_parser("review", parents=[model, view], epilog=EPILOG,
                       help="show original and corrected side by side (FILE may be a saved .json/.jsonl)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-f", "--format", choices=("side-by-side", "inline", "html"), default="side-by-side")
    p.set_defaults(handler=cmd_review)

    p = sub.add_parser("score", epilog=EPILOG, help="sacrebleu BLEU, chrF and TER of a hypothesis file")
    p.add_argument("--hyp", required=True, metavar="FILE", help="system output, one segment a line")
    p.add_argument("--ref", required=True, action="append", metavar="FILE", help="reference (repeatable)")
    p.add_argument("--metrics", default="bleu,chrf,ter", help="comma-separated (default: bleu,chrf,ter)")
    p.add_argument("-f", "--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_score)
    return parser


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
    names = args.files or ["-"]
    if names.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    if args.lines:
        return _correct_lines(args, names)
    texts, labels, failed = _read_inputs(names)
    results = _correct(args, texts, labels)
    _emit(args, _render(args, results))
    return EXIT_FAILED if failed else EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    text = read_text(args.file)
    if args.file.endswith((".json", ".jsonl")):
        from mtfix.report import load_json

        try:
            results = load_json(text)
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{args.file}: not an mtfix JSON result ({exc})") from None
    else:
        results = _correct(args, [text], [args.file])
    _emit(args, _render(args, results))
    return EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    from mtfix.scoring import corpus_scores

    hyps = _lines_of(args.hyp)
    refs = [_lines_of(r) for r in args.ref]
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


# --- helpers --------------------------------------------------------------------------------

def _corrector(args: argparse.Namespace) -> Any:
    from mtfix.pipeline import Corrector

    config = DEFAULT.with_(batch_size=args.batch_size, num_threads=args.threads or 0)
    return Corrector(model=args.model, config=config)


def _progress(args: argparse.Namespace, label: str = "sentences") -> Any:
    from mtfix.progress import ProgressBar

    return ProgressBar(label, enabled=not args.quiet and sys.stderr.isatty())


def _correct(args: argparse.Namespace, texts: list[str], labels: list[str]) -> list[Any]:
    corrector, bar = _corrector(args), _progress(args)
    try:
        return corrector.correct_batch(texts, labels, progress=bar)
    finally:
        bar.close()


def _read_inputs(names: list[str]) -> tuple[list[str], list[str], int]:
    """Read every input; a failing one is reported and skipped, the rest still processed."""
    texts, labels, failed = [], [], 0
    for name in names:
        try:
            texts.append(read_text(name))
            labels.append("<stdin>" if name == "-" else name)
        except InputError as exc:
            print(f"mtfix: error: {exc}", file=sys.stderr)
            failed += 1
    if failed and not texts:
        raise InputError("no input could be read")
    return texts, labels, failed


def _render(args: argparse.Namespace, results: list[Any]) -> str:
    from mtfix.report import render

    return render(results, args.format, color=_use_color(args), width=args.width)


def _use_color(args: argparse.Namespace) -> bool:
    if args.color is not None:
        return bool(args.color and not args.output)
    return not args.output and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _emit(args: argparse.Namespace, text: str) -> None:
    if args.output:
        write_atomic(args.output, text)
    else:
        _stdout().write(text)


def _stdout() -> IO[str]:
    # Explicit UTF-8 and no newline translation, whatever the locale says.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8", newline="")
    return sys.stdout


def _lines_of(name: str) -> list[str]:
    text = read_text(name)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _iter_lines(name: str) -> Iterator[tuple[int, str, str]]:
    """(line number, content, terminator) of each line, read as a stream."""
    stream = sys.stdin.buffer if name == "-" else _open_binary(name)
    label = "<stdin>" if name == "-" else name
    offset = 0
    for number, raw in enumerate(stream, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            where = f"byte {offset + exc.start} (line {number})"
            raise InputError(f"{label}: not valid UTF-8 at {where}") from None
        offset += len(raw)
        body = line.rstrip("\r\n")
        yield number, body, line[len(body):]


def _open_binary(name: str) -> IO[bytes]:
    if os.path.isdir(name):
        raise InputError(f"{name}: is a directory")
    try:
        return open(name, "rb")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


def _correct_lines(args: argparse.Namespace, names: list[str]) -> int:
    """Line mode: stream each input in chunks; text and jsonl are written as they are produced."""
    # text and jsonl stream line by line; the other views need a whole file, joined from its lines.
    streaming = args.format in ("text", "jsonl")
    corrector, bar = _corrector(args), _progress(args, "lines")
    total = _count_lines(names)
    out: IO[str] = _stdout() if not args.output else _tempfile_beside(args.output)
    documents: list[Any] = []
    failed, done = 0, 0
    try:
        for name in names:
            label = "<stdin>" if name == "-" else name
            lines: list[Any] = []
            endings: list[str] = []
            try:
                for chunk in _chunks(_iter_lines(name), LINE_CHUNK):
                    labels = [f"{label}:{n}" for n, _, _ in chunk]
                    results = corrector.correct_batch([body for _, body, _ in chunk], labels)
                    done += len(chunk)
                    bar(done, total)
                    if streaming:
                        _write_lines(out, args.format, results, [end for _, _, end in chunk])
                    else:
                        lines += results
                        endings += [end for _, _, end in chunk]
            except InputError as exc:
                print(f"mtfix: error: {exc}", file=sys.stderr)
                failed += 1
                continue
            if not streaming:
                documents.append(join_lines(lines, endings, label))
        if not streaming:
            out.write(_render(args, documents))
        if args.output:
            _commit_tempfile(out, args.output)
    finally:
        bar.close()
        if args.output and not out.closed:  # an error or interrupt: never leave a half-written output
            out.close()
            os.unlink(out.name)
    return EXIT_FAILED if failed else EXIT_OK


def _count_lines(names: list[str]) -> int:
    """Lines in all inputs, for the progress bar's ETA; 0 (unknown) when stdin is among them."""
    if "-" in names:
        return 0
    total = 0
    for name in names:
        try:
            with open(name, "rb") as fh:
                data = b""
                for data in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    total += data.count(b"\n")
                total += bool(data) and not data.endswith(b"\n")
        except OSError:
            pass  # reported when the file is read
    return total


def _write_lines(out: IO[str], fmt: str, results: list[Any], endings: list[str]) -> None:
    if fmt == "jsonl":
        from mtfix.report import render

        out.write(render(results, "jsonl"))
    else:
        out.writelines(result.text + end for result, end in zip(results, endings))
    out.flush()


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _tempfile_beside(path: str) -> IO[str]:
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def _commit_tempfile(out: IO[str], path: str) -> None:
    out.flush()
    os.fsync(out.fileno())
    out.close()
    os.replace(out.name, path)
