"""The HTML review page driven in a real browser: headless Chromium through chromedriver (Selenium).

Pages are built from Results of ``Corrector(rewriter=FakeRewriter(...))``: no model. One browser
serves the whole module. The tests skip, with the reason, when Debian's ``chromium`` and
``chromium-driver`` (or the ``selenium`` package) are missing, unless ``MTFIX_REQUIRE_BROWSER=1``
(set by ``.ci/run``), in which case they fail instead.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeRewriter, fix_agreement

from mtfix import Corrector
from mtfix.report import render
from mtfix.report.htmlpage import page
from mtfix.result import Result
from mtfix.text.diff import apply_edits

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,900")

# Emoji (one code point in Python, two UTF-16 units in JavaScript) before edits, a CRLF line
# break inside a paragraph, blank lines between paragraphs and no trailing newline after the last.
EMOJI_TEXT = ("Great 😀 news: this offer suck. The committee have repeatedly said so.\n\n"
              "Another 🎉 line where everybody know it.\r\nThe deputies was present 👍 and all was present.\n\n"
              "Nothing to fix here.")
ROOT = Path(__file__).resolve().parent.parent
NEWS_TEXT = (ROOT / "examples" / "mt-news.txt").read_text(encoding="utf-8")


def _missing() -> str:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed (pip install -e '.[browser]')"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return f"{path} not found (apt-get install {package}; .ci/run installs it)"
    return ""


def correct(texts: list[str], names: list[str], **fake: Any) -> list[Result]:
    corrector = Corrector(rewriter=FakeRewriter(fix_agreement, **fake))
    return [replace(r, name=n) for r, n in zip(corrector.correct_batch(texts), names)]


@pytest.fixture(scope="module")
def downloads() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="mtfix-downloads-") as d:
        yield Path(d)


@contextmanager
def chromium(downloads: Path) -> Iterator[Any]:
    """Headless Chromium with a new profile, downloading into ``downloads`` without asking."""
    why = _missing()
    if why:
        if os.environ.get("MTFIX_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required but {why}")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="mtfix-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        _warm_up_storage(driver, Path(profile))
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _warm_up_storage(driver: Any, profile: Path) -> None:
    """Wait until localStorage written from a file:// page survives a reload.

    With a new profile and heavy CPU load, Chromium now and then dropped all of localStorage on a
    reload (about one run of this module in fifteen to thirty on two busy cores; never when idle).
    Waiting for storage to work first makes that rarer; the reload test recognises the rest by the
    warm-up key being gone too (nothing here removes it) and tries once more.
    """
    page = profile / "warm-up.html"
    page.write_text("<!DOCTYPE html><title>warm-up</title><script>window.had = localStorage.getItem('mtfix-warm-up');"
                    "localStorage.setItem('mtfix-warm-up', '1');</script>", encoding="utf-8")
    driver.get(page.as_uri())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(0.2)
        driver.refresh()
        if driver.execute_script("return window.had === '1'"):
            return
    raise AssertionError("localStorage of file:// pages does not survive a reload in this Chromium")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Any]:
    with chromium(downloads) as driver:
        yield driver


def open_page(driver: Any, html: str, path: Path) -> None:
    """Load ``html`` from disk. Browser profiles are new and the tests' pages differ (decisions are
    stored per page content), so nothing is restored from elsewhere."""
    path.write_text(html, encoding="utf-8")
    driver.get(path.as_uri())
    wait_for(driver, "return !!(window.mtfixReview && window.mtfixReview.ready)")
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def wait_for(driver: Any, script: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.05)


def keys(driver: Any, *sequence: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    for k in sequence:
        ActionChains(driver).send_keys(k).perform()


def css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def export(driver: Any, d: int) -> str:
    return driver.execute_script("return window.mtfixReview.exportText(arguments[0])", d)


def expected(r: Result, accepted: set[int], hand: dict[int, str] | None = None) -> str:
    """``r.source`` with the accepted edits (numbered as in ``r.edits``) applied and the sentences
    in ``hand`` (by index) replaced by the given text; computed independently of the page."""
    hand = hand or {}
    out, pos, k = [], 0, 0
    for s in r.sentences:
        mine = []
        for e in s.edits:
            if k in accepted:
                mine.append(replace(e, start=e.start - s.start, end=e.end - s.start))
            k += 1
        out += [r.source[pos:s.start], hand[s.index] if s.index in hand else apply_edits(s.source, mine)]
        pos = s.end
    return "".join(out) + r.source[pos:]


def show(driver: Any, d: int, i: int) -> Any:
    """The row of sentence ``i`` of document ``d``, rendered and scrolled into view."""
    driver.execute_script("mtfixReview.show(arguments[0], arguments[1])", d, i)
    return css(driver, f'section[data-doc="{d}"] .row[data-s="{i}"]')


# --------------------------------------------------------------------------------------------

def test_round_trip_accept_all_reject_all_and_mixed(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    emoji, news = correct([EMOJI_TEXT, NEWS_TEXT], ["emoji.txt", "mt-news.txt"])
    assert [e.original for e in emoji.edits] == ["suck", "have", "know", "was", "was"]
    assert len(news.edits) == 2
    open_page(browser, render([emoji, news], "html"), tmp_path / "review.html")
    assert export(browser, 0) == emoji.source  # nothing decided yet: the original text

    # Every edit accepted through the toolbar: threshold slider to 0, then "Accept N edits".
    slider = css(browser, "#mtfix-threshold")
    slider.send_keys(Keys.HOME)
    assert css(browser, "#mtfix-threshold-value").text == "0.00"
    button = css(browser, "#mtfix-accept")
    assert button.text == "Accept 7 edits"
    button.click()
    assert export(browser, 0) == emoji.text and export(browser, 1) == news.text

    # Every edit rejected: clear all, then "Reject undecided".
    css(browser, "#mtfix-reset").click()
    css(browser, "#mtfix-reject-rest").click()
    assert export(browser, 0) == emoji.source and export(browser, 1) == news.source
    css(browser, "#mtfix-reset").click()

    # Mixed, by keyboard and mouse: n = first change, a = accept and go on, r = reject and go on.
    css(browser, "h1").click()
    keys(browser, "n", "a", "r", "a")
    assert browser.execute_script("return mtfixReview.current()") == {"doc": 0, "sentence": 3, "edit": 3}
    # Click the last edit of the document (the second "was") and accept it in its panel.
    show(browser, 0, 3).find_element("css selector", '.out ins[data-e="4"]').click()
    css(browser, '#mtfix-pop button[data-act="acc"]').click()
    # Reject one of news's edits with the sentence button.
    news_row = next(s.index for s in news.sentences if s.edits)
    show(browser, 1, news_row).find_element("css selector", 'button[data-act="srej"]').click()
    assert browser.execute_script("return mtfixReview.decisions(0)") == [
        "accepted", "rejected", "accepted", "undecided", "accepted"]
    mixed = ("Great 😀 news: this offer sucks. The committee have repeatedly said so.\n\n"
             "Another 🎉 line where everybody knows it.\r\nThe deputies was present 👍 and all were present.\n\n"
             "Nothing to fix here.")
    assert export(browser, 0) == mixed == expected(emoji, {0, 2, 4})
    assert export(browser, 1) == news.source

    # A hand edit replaces its sentence's span whatever the edits say; it can be undone and redone.
    show(browser, 0, 1).find_element("css selector", 'button[data-act="edit"]').click()
    area = browser.switch_to.active_element
    assert area.tag_name == "textarea" and area.get_attribute("value") == "The committee have repeatedly said so."
    area.send_keys(Keys.CONTROL, "a")
    # ChromeDriver types only characters of the Basic Multilingual Plane; the emoji goes in as the browser's
    # own text insertion (an input event, as typing gives)
    area.send_keys("The committee said so ")
    browser.execute_script("document.execCommand('insertText', false, arguments[0])", "🙂")
    area.send_keys(" many times.")
    area.send_keys(Keys.CONTROL, Keys.ENTER)
    hand = mixed.replace("The committee have repeatedly said so.", "The committee said so 🙂 many times.")
    assert export(browser, 0) == hand == expected(emoji, {0, 2, 4}, {1: "The committee said so 🙂 many times."})
    css(browser, "h1").click()
    keys(browser, "u")
    assert export(browser, 0) == mixed
    keys(browser, "U")
    assert export(browser, 0) == hand
    assert "edited by hand" in css(browser, 'section[data-doc="0"] .row[data-s="1"]').text


def test_cli_page_download_buttons_and_reload(browser: Any, tmp_path: Path, downloads: Path) -> None:
    # The whole round trip: a saved result -> `mtfix review --html` -> decisions -> downloaded file.
    [emoji] = correct([EMOJI_TEXT], ["notes/emoji.txt"])
    saved, out = tmp_path / "saved.json", tmp_path / "one.html"
    saved.write_text(render([emoji], "json"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mtfix", "review", str(saved), "--html", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    assert f"review page written to {out}" in proc.stderr
    open_page(browser, out.read_text(encoding="utf-8"), out)
    assert browser.execute_script("return mtfixReview.restored") is False
    css(browser, "h1").click()
    keys(browser, "n", "r", "a", "a")  # suck rejected, have and know accepted
    want = expected(emoji, {1, 2})
    assert export(browser, 0) == want

    for f in downloads.iterdir():
        f.unlink()
    css(browser, 'button[data-act="dl-text"]').click()
    css(browser, 'button[data-act="dl-json"]').click()
    text_file, json_file = downloads / "emoji.reviewed.txt", downloads / "emoji.decisions.json"
    deadline = time.monotonic() + 20
    while not (text_file.exists() and json_file.exists()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert text_file.read_bytes() == want.encode("utf-8")  # CRLF and all, byte for byte
    decisions = json.loads(json_file.read_text(encoding="utf-8"))
    assert decisions["kind"] == "mtfix-review-decisions" and decisions["name"] == "notes/emoji.txt"
    assert [e["decision"] for e in decisions["edits"]] == ["rejected", "accepted", "accepted", "undecided",
                                                           "undecided"]
    first = decisions["edits"][0]
    assert (first["index"], first["sentence"]) == (0, 0)
    assert {k: v for k, v in first.items() if k not in ("index", "sentence", "decision")} == \
        emoji.edits[0].to_dict()
    assert decisions["text"] == want and decisions["counts"]["accepted"] == 2

    browser.refresh()
    wait_for(browser, "return !!(window.mtfixReview && window.mtfixReview.ready)")
    if not browser.execute_script("return mtfixReview.restored || !!localStorage.getItem('mtfix-warm-up')"):
        # All of localStorage is gone, the warm-up key too, which nothing here removes: Chromium's
        # storage flake (see _warm_up_storage), not the page's doing. Decide again, reload once more.
        css(browser, "h1").click()
        keys(browser, "n", "r", "a", "a")
        browser.refresh()
        wait_for(browser, "return !!(window.mtfixReview && window.mtfixReview.ready)")
    assert browser.execute_script("return mtfixReview.restored") is True
    assert export(browser, 0) == want
    assert "restored" in css(browser, "#mtfix-status").text


def test_escaping_tooltips_flags_and_planned_fields(browser: Any, tmp_path: Path) -> None:
    nasty = ('Use </script><script>window.pwned = 1</script> <!-- and <b>bold</b> & co. '
             'This offer suck.\n\nThe mayor was present.\n')
    [plain] = correct([nasty], ["<b>evil</b>.txt"])
    # A model that prefers the original: every rewrite refused, and a low score on every sentence.
    [doubtful] = correct(["This offer suck. All good here.\n"], ["doubtful.txt"], score=-2.0, keep_score=-1.0)
    assert [s.status for s in doubtful.sentences] == ["rejected", "unchanged"]
    data = [r.to_dict() for r in (plain, doubtful)]
    # Fields another issue will add to the JSON (docs/json-schema.md, "planned fields").
    s0 = data[0]["sentences"][-1]
    s0["flags"] = [{"start": s0["start"] + 4, "end": s0["start"] + 9, "kind": "untranslated", "note": "check"}]
    s0["quality"] = 0.25
    open_page(browser, page([plain, doubtful], data), tmp_path / "flags.html")

    assert browser.execute_script("return window.pwned === undefined")
    assert "</script><script>window.pwned = 1</script> <!-- and <b>bold</b> & co." in \
        css(browser, 'section[data-doc="0"] .row[data-s="0"] .src').text
    assert css(browser, 'section[data-doc="0"] h2').text == "<b>evil</b>.txt"

    e = plain.edits[0]
    assert (e.original, e.replacement) == ("suck", "sucks")
    title = css(browser, 'section[data-doc="0"] .src del[data-e="0"]').get_attribute("title")
    assert title == f"agreement · replace · confidence {e.confidence:.2f}: “suck” → “sucks” · undecided"

    flagged = css(browser, f'section[data-doc="0"] .row[data-s="{len(plain.sentences) - 1}"]')
    assert "flagged" in flagged.get_attribute("class")
    mark = flagged.find_element("css selector", "mark.flag")
    assert mark.text == "mayor" and mark.get_attribute("title") == "untranslated: check"
    assert "low quality 0.25" in flagged.text

    refused = css(browser, 'section[data-doc="1"] .row[data-s="0"]')
    assert "flagged" in refused.get_attribute("class")
    assert "rewrite refused: model prefers the original" in refused.text
    assert "low model score -2.00" in refused.text
    assert css(browser, "#mtfix-flagged").text == "3"  # the planned-fields sentence counts too

    # f walks the flagged sentences in order.
    css(browser, "h1").click()
    keys(browser, "f")
    assert browser.execute_script("return mtfixReview.current()")["sentence"] == len(plain.sentences) - 1
    keys(browser, "f")
    assert browser.execute_script("return mtfixReview.current()") == {"doc": 1, "sentence": 0, "edit": -1}


def test_findings_are_marked_filtered_and_never_exported(browser: Any, tmp_path: Path) -> None:
    corrector = Corrector(rewriter=FakeRewriter(fix_agreement))
    mt = "The price is 500 roubles. This offer suck. Are you sure."
    [r] = [replace(x, name="bi.txt") for x in corrector.correct_batch(
        [mt], sources=["Цена — 5 000 рублей. Это предложение отстой. Вы уверены?"])]
    assert {f.kind for f in r.findings} == {"number", "punctuation"}
    open_page(browser, render([r], "html"), tmp_path / "bi.html")
    marks = browser.find_elements("css selector", ".row mark.finding")  # not the legend's
    assert [m.text for m in marks] == ["500", "."]
    assert "target number '500' is not in the source" in marks[0].get_attribute("title")
    assert "source number '5 000' is missing" in css(browser, ".doc-findings").text  # no span in the MT
    assert "Цена — 5 000 рублей." in css(browser, ".source-text").text
    rows = browser.find_elements("css selector", 'section[data-doc="0"] .row')
    css(browser, "#mtfix-only-findings").click()
    assert css(browser, "#mtfix-only-findings").get_attribute("aria-pressed") == "true"
    assert [row.is_displayed() for row in rows] == [True, False, True]  # "This offer suck." has none
    css(browser, "#mtfix-only-findings").click()
    assert all(row.is_displayed() for row in rows)
    assert export(browser, 0) == mt  # findings are shown, never applied


def test_suspect_words_are_marked_only_where_no_rewrite_touched(browser: Any, tmp_path: Path) -> None:
    from mtfix.text.spans import WordScore

    [r] = correct(["This offer suck. Nothing 🎉 came to the feast."], ["words.txt"])
    first, second = r.sentences
    assert first.edits and not second.edits
    words = lambda s, bad: tuple(  # noqa: E731 - every word of s, those in bad suspect
        WordScore(s.start + i, s.start + i + len(w), w not in bad, 0.9 if w in bad else 0.1)
        for i, w in ((s.source.index(w), w) for w in s.source.rstrip(".").split()))
    r = replace(r, sentences=(replace(first, words=words(first, {"offer"})),
                              replace(second, words=words(second, {"feast"}))))
    open_page(browser, render([r], "html"), tmp_path / "words.html")
    marks = browser.find_elements("css selector", ".row mark.suspect")
    assert [m.text for m in marks] == ["feast"]  # after an emoji: offsets are code points
    assert marks[0].get_attribute("title") == "P(BAD) 0.90"
    assert export(browser, 0) == r.source  # nothing decided, nothing changed


def test_five_thousand_sentences_load_and_accept_all(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    base = ["This offer suck, and everybody know it", "The committee have repeatedly said so",
            "Regional council approved the budget", "The deputies was present at the meeting",
            "Nothing is wrong with this sentence"]
    paragraphs = [" ".join(f"In row {p * 5 + j} {base[(p + j) % 5].lower()}." for j in range(5)) for p in range(1001)]
    t0 = time.perf_counter()
    [big] = correct(["\n\n".join(paragraphs) + "\n"], ["big.txt"])
    html = render([big], "html")
    t1 = time.perf_counter()
    assert len(big.sentences) >= 5000
    open_page(browser, html, tmp_path / "big.html")
    t2 = time.perf_counter()
    assert css(browser, "dl.summary").text.count(str(len(big.sentences))) == 1
    rows = browser.execute_script("return mtfixReview.renderedRows()")
    assert 0 < rows < len(big.sentences)  # rendered lazily

    css(browser, "#mtfix-threshold").send_keys(Keys.HOME)
    css(browser, "#mtfix-accept").click()
    t3 = time.perf_counter()
    assert export(browser, 0) == big.text
    t4 = time.perf_counter()
    css(browser, "h1").click()
    keys(browser, "f", "n", "n", "r")  # navigation still works after the bulk change
    assert browser.execute_script("return mtfixReview.decisions(0)").count("rejected") == 1
    load_ms = browser.execute_script("return mtfixReview.loadMs")
    print(f"\n{len(big.sentences)} sentences, {len(big.edits)} edits, page {len(html) / 1e6:.1f} MB: "
          f"build {t1 - t0:.2f} s, open {t2 - t1:.2f} s (script {load_ms} ms), "
          f"accept all {t3 - t2:.2f} s, export {t4 - t3:.2f} s")
