/* mtfix review page: accept or reject suggested edits, edit sentences by hand, export.
   Inlined into the page at render time. No network, no libraries. Keep it free of two
   slashes in a row (the page tests look for URLs that way) and of a closing script tag.

   Model: per document, each edit (numbered as in Result.edits) is undecided (0), accepted (1)
   or rejected (2); a sentence may carry a hand-edited text that replaces its whole span.
   Export = Result.source with accepted edits applied and hand-edited sentences substituted;
   undecided edits keep the original text. Offsets in the data are code points; JS strings
   are UTF-16, so every offset goes through offsetMap() before slicing.

   Findings (r.findings, from the bilingual checks) are shown, never decided: each goes under the first
   sentence its target span overlaps (placeFindings, the rule of mtfix.report._common.place_findings),
   the others under the document's heading.

   Suspect words (s.words with ok false, from the learned quality head) are marked only in sentences
   without edits, and not where a flag or a finding is (their marks win), by the rules of
   mtfix.report._common.suspect_words and marked_suspects; the sentence's notes name the likeliest five. */
(function () {
  'use strict';
  var t0 = performance.now();
  var DATA = JSON.parse(document.getElementById('mtfix-data').textContent);
  var SET = DATA.settings || {};
  var CHUNK = SET.chunk || 100;
  var LOW_SCORE = SET.low_score == null ? -Infinity : SET.low_score;
  var LOW_QUALITY = SET.low_quality == null ? 0 : SET.low_quality;
  var UNDECIDED = 0, ACCEPTED = 1, REJECTED = 2;
  var STATE_NAME = ['undecided', 'accepted', 'rejected'];
  var KEY = 'mtfix-review:' + DATA.key;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;';
    });
  }

  /* code-point offset -> UTF-16 index of the same string; identity when there is no surrogate */
  function offsetMap(str) {
    if (!/[\uD800-\uDFFF]/.test(str)) {
      return function (cp) { return Math.max(0, Math.min(cp, str.length)); };
    }
    var n = str.length, map = new Uint32Array(n + 1), cp = 0;
    for (var i = 0; i < n; i++) {
      map[cp++] = i;
      var c = str.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n) {
        var c2 = str.charCodeAt(i + 1);
        if (c2 >= 0xDC00 && c2 <= 0xDFFF) i++;
      }
    }
    map[cp] = n;
    var last = cp;
    return function (p) { return map[Math.max(0, Math.min(p, last))]; };
  }

  /* ------------------------------------------------------------------ the data model */

  function isFlagged(s) {
    return s.status === 'rejected' || (s.score != null && s.score < LOW_SCORE) ||
      (s.flags && s.flags.length > 0) || (s.quality != null && s.quality < LOW_QUALITY);
  }

  /* The findings of r per sentence (code-point offsets, like the data) and those in no sentence. Sentences
     are in text order and do not overlap, so the first sentence ending after a span's start is the only
     one it can overlap first. */
  function placeFindings(r) {
    var sents = r.sentences || [], per = sents.map(function () { return []; }), rest = [];
    (r.findings || []).forEach(function (f) {
      if (f.start == null || f.end == null) { rest.push(f); return; }
      var empty = f.start === f.end, lo = 0, hi = sents.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (empty ? sents[mid].end < f.start : sents[mid].end <= f.start) lo = mid + 1; else hi = mid;
      }
      var s = sents[lo];
      if (s && (empty ? s.start <= f.start : s.start < f.end)) per[lo].push(f); else rest.push(f);
    });
    return {per: per, rest: rest};
  }

  /* One line for people, as in the terminal views: "number (error): message → suggestion: 5,000". */
  function findingNote(f) {
    var text = f.kind + ' (' + f.severity + '): ' + String(f.message || '').replace(/[\r\n\u2028\u2029]+/g, ' ');
    if (f.suggestion != null && (f.suggestion || f.start != null)) {
      text += ' → suggestion: ' + (f.suggestion ? f.suggestion : '(remove)');
    }
    return text;
  }

  /* The finding's note, and the source text it is about where it has a source span. */
  function findingTitle(D, f) {
    var t = findingNote(f);
    if (f.source_start != null && f.source_end != null && D.srcText) {
      var sc = D.srcConv, piece = D.srcText.slice(sc(f.source_start), sc(f.source_end));
      if (piece) t += ' · source: “' + piece + '”';
    }
    return t;
  }

  function flagTitle(f) {
    return f.kind + (f.note ? ': ' + f.note : '') +
      (f.suggestion ? ' · dictionary: ' + f.suggestion + ' (' + Number(f.suggestionConfidence).toFixed(2) + ')' : '');
  }

  /* The suspect words of sentence s in text order (none when it has edits), as suspect_words in Python. */
  function suspectWords(s) {
    if ((s.edits || []).length) return [];
    return (s.words || []).filter(function (w) {
      return !w.ok && s.start <= w.start && w.start < w.end && w.end <= s.end;
    }).sort(function (x, y) { return x.start - y.start || x.end - y.end; });
  }

  /* "suspect: word (0.61), other (0.55)": the likeliest SUSPECTS_LISTED, then "+N more". */
  var SUSPECTS_LISTED = 5;
  function suspectNote(D, rec) {
    var ranked = rec.suspects.slice().sort(function (x, y) { return y.p - x.p || x.u0 - y.u0; });
    var parts = ranked.slice(0, SUSPECTS_LISTED).map(function (w) {
      return D.src.slice(w.u0, w.u1) + ' (' + w.p.toFixed(2) + ')';
    });
    if (ranked.length > SUSPECTS_LISTED) parts.push('+' + (ranked.length - SUSPECTS_LISTED) + ' more');
    return 'suspect: ' + parts.join(', ');
  }

  function buildDoc(k, r) {
    var src = r.source || '', conv = offsetMap(src), sents = r.sentences || [];
    var nE = 0, i, j;
    for (i = 0; i < sents.length; i++) nE += (sents[i].edits || []).length;
    var D = {k: k, r: r, src: src, nS: sents.length, nE: nE, S: new Array(sents.length),
      eu0: new Int32Array(nE), eu1: new Int32Array(nE), esent: new Int32Array(nE), ed: new Array(nE),
      ord: new Int32Array(nE), rank: new Int32Array(nE),
      state: new Uint8Array(nE), manual: new Map(), errors: []};
    var placed = placeFindings(r);
    D.rest = placed.rest;
    D.srcText = r.source_text == null ? null : String(r.source_text);
    D.srcConv = D.srcText == null ? null : offsetMap(D.srcText);
    D.nF = (r.findings || []).length;
    var e = 0, prevPara = null;
    for (i = 0; i < sents.length; i++) {
      var s = sents[i], edits = s.edits || [];
      var rec = {s: s, u0: conv(s.start), u1: conv(s.end), e0: e, e1: e + edits.length,
        para: i > 0 && s.paragraph !== prevPara, flagged: isFlagged(s), flags: null, findings: null,
        suspects: null, words: null};
      prevPara = s.paragraph;
      if (src.slice(rec.u0, rec.u1) !== s.source) D.errors.push('sentence ' + (i + 1) + ' does not match the text');
      if (s.flags && s.flags.length) {
        rec.flags = s.flags.map(function (f) {
          return {u0: Math.max(rec.u0, conv(f.start)), u1: Math.min(rec.u1, conv(f.end)),
            kind: f.kind || 'flag', note: f.note || '', suggestion: f.suggestion || '',
            suggestionConfidence: f.suggestion_confidence || 0};
        });
      }
      if (placed.per[i].length) {
        rec.findings = placed.per[i].map(function (f) {
          return {u0: Math.max(rec.u0, conv(f.start)), u1: Math.min(rec.u1, conv(f.end)), f: f};
        });
      }
      var sus = suspectWords(s);
      if (sus.length) {
        /* marked only where no flag and no finding of the sentence is (code points, like the data) */
        var taken = (s.flags || []).concat(placed.per[i]).filter(function (f) { return f.end > f.start; });
        rec.suspects = sus.map(function (w) {
          return {u0: Math.max(rec.u0, conv(w.start)), u1: Math.min(rec.u1, conv(w.end)), p: Number(w.p_bad),
            free: !taken.some(function (f) { return f.start < w.end && f.end > w.start; })};
        });
        rec.words = rec.suspects.filter(function (w) { return w.free; });
        if (!rec.words.length) rec.words = null;
      }
      for (j = 0; j < edits.length; j++, e++) {
        var ed = edits[j];
        D.eu0[e] = conv(ed.start);
        D.eu1[e] = conv(ed.end);
        D.esent[e] = i;
        D.ed[e] = ed;
        if (src.slice(D.eu0[e], D.eu1[e]) !== ed.original) D.errors.push('edit ' + (e + 1) + ' does not match the text');
      }
      /* edits in text order within the sentence (Result.edits need not be sorted) */
      var ids = [];
      for (j = rec.e0; j < rec.e1; j++) ids.push(j);
      ids.sort(function (x, y) { return D.eu0[x] - D.eu0[y] || D.eu1[x] - D.eu1[y] || x - y; });
      for (j = 0; j < ids.length; j++) { D.ord[rec.e0 + j] = ids[j]; D.rank[ids[j]] = rec.e0 + j; }
      D.S[i] = rec;
    }
    return D;
  }

  var docs = (DATA.results || []).map(function (r, k) { return buildDoc(k, r); });

  /* The text of sentence i: 'export' applies accepted edits, 'preview' all but rejected ones. */
  function sentenceText(D, i, mode) {
    var s = D.S[i];
    if (mode === 'export' && D.manual.has(i)) return D.manual.get(i);
    var out = '', pos = s.u0;
    for (var n = s.e0; n < s.e1; n++) {
      var k = D.ord[n], st = D.state[k];
      if (mode === 'export' ? st !== ACCEPTED : st === REJECTED) continue;
      out += D.src.slice(pos, D.eu0[k]) + D.ed[k].replacement;
      pos = Math.max(pos, D.eu1[k]);
    }
    return out + D.src.slice(pos, s.u1);
  }

  function exportText(d) {
    var D = docs[d], src = D.src, parts = [], pos = 0;
    for (var i = 0; i < D.nS; i++) {
      var s = D.S[i];
      if (D.manual.has(i)) {
        parts.push(src.slice(pos, s.u0), D.manual.get(i));
        pos = Math.max(pos, s.u1);
        continue;
      }
      for (var n = s.e0; n < s.e1; n++) {
        var k = D.ord[n];
        if (D.state[k] !== ACCEPTED) continue;
        parts.push(src.slice(pos, D.eu0[k]), D.ed[k].replacement);
        pos = Math.max(pos, D.eu1[k]);
      }
    }
    parts.push(src.slice(pos));
    return parts.join('');
  }

  function counts(D) {
    var c = [0, 0, 0];
    for (var k = 0; k < D.nE; k++) c[D.state[k]]++;
    return {undecided: c[0], accepted: c[1], rejected: c[2], hand_edited: D.manual.size};
  }

  function exportDecisions(d) {
    var D = docs[d], edits = [], hand = [];
    for (var k = 0; k < D.nE; k++) {
      var ed = D.ed[k];
      edits.push({index: k, sentence: D.S[D.esent[k]].s.index, start: ed.start, end: ed.end,
        original: ed.original, replacement: ed.replacement, op: ed.op, kind: ed.kind,
        confidence: ed.confidence, decision: STATE_NAME[D.state[k]]});
    }
    D.manual.forEach(function (text, i) {
      var s = D.S[i].s;
      hand.push({sentence: s.index, start: s.start, end: s.end, source: s.source, text: text});
    });
    hand.sort(function (a, b) { return a.sentence - b.sentence; });
    return {schema: 1, kind: 'mtfix-review-decisions', name: D.r.name || '', signature: D.r.signature || null,
      undecided: 'original kept', counts: counts(D), edits: edits, hand_edits: hand, text: exportText(d)};
  }

  /* ------------------------------------------------------------------ changes, undo, storage */

  var undoStack = [], redoStack = [];
  var editing = null; /* {d, i} while a sentence is being edited by hand */
  var cur = null; /* {d, i, k}: the current sentence and edit (k = -1: no edit) */

  /* ch = {e: [[d, k, before, after], ...], m: [[d, i, before, after], ...]}; before/after of m are
     strings or null (no hand edit). */
  function commit(ch, label) {
    if (!ch.e.length && !ch.m.length) { announce('Nothing to change'); return; }
    ch.label = label;
    undoStack.push(ch);
    if (undoStack.length > 500) undoStack.shift();
    redoStack.length = 0;
    apply(ch, 3);
    announce(label);
  }

  function apply(ch, which) {
    var touched = new Map(), i, c;
    for (i = 0; i < ch.e.length; i++) {
      c = ch.e[i];
      docs[c[0]].state[c[1]] = c[which];
      touch(touched, c[0], docs[c[0]].esent[c[1]]);
    }
    for (i = 0; i < ch.m.length; i++) {
      c = ch.m[i];
      if (c[which] == null) docs[c[0]].manual.delete(c[1]); else docs[c[0]].manual.set(c[1], c[which]);
      touch(touched, c[0], c[1]);
    }
    touched.forEach(function (rows, d) { refreshRows(docs[d], rows); });
    afterChange();
  }

  function touch(map, d, i) {
    if (!map.has(d)) map.set(d, new Set());
    map.get(d).add(i);
  }

  function undo() {
    var ch = undoStack.pop();
    if (!ch) { announce('Nothing to undo'); return; }
    redoStack.push(ch);
    apply(ch, 2);
    announce('Undone: ' + ch.label);
  }

  function redo() {
    var ch = redoStack.pop();
    if (!ch) { announce('Nothing to redo'); return; }
    undoStack.push(ch);
    apply(ch, 3);
    announce('Redone: ' + ch.label);
  }

  function setEdits(list, st, label) {
    var ch = {e: [], m: []};
    for (var n = 0; n < list.length; n++) {
      var d = list[n][0], k = list[n][1], before = docs[d].state[k];
      if (before !== st) ch.e.push([d, k, before, st]);
    }
    commit(ch, label);
  }

  function sentenceEdits(d, i) {
    var s = docs[d].S[i], out = [];
    for (var k = s.e0; k < s.e1; k++) out.push([d, k]);
    return out;
  }

  function allEdits(pred) {
    var out = [];
    docs.forEach(function (D, d) {
      for (var k = 0; k < D.nE; k++) if (pred(D, k)) out.push([d, k]);
    });
    return out;
  }

  function acceptAbove(th) {
    setEdits(allEdits(function (D, k) {
      return D.state[k] === UNDECIDED && D.ed[k].confidence >= th - 1e-9;
    }), ACCEPTED, 'Accepted the undecided edits with confidence ≥ ' + th.toFixed(2));
  }

  function rejectUndecided() {
    setEdits(allEdits(function (D, k) { return D.state[k] === UNDECIDED; }), REJECTED,
      'Rejected the undecided edits');
  }

  function resetAll() {
    var ch = {e: [], m: []};
    docs.forEach(function (D, d) {
      for (var k = 0; k < D.nE; k++) if (D.state[k] !== UNDECIDED) ch.e.push([d, k, D.state[k], UNDECIDED]);
      D.manual.forEach(function (text, i) { ch.m.push([d, i, text, null]); });
    });
    commit(ch, 'All decisions cleared');
  }

  function setManual(d, i, text) {
    var D = docs[d], before = D.manual.has(i) ? D.manual.get(i) : null;
    var after = text;
    if (text !== null && !D.manual.has(i) && text === sentenceText(D, i, 'export')) after = null;
    if (before === after) { announce('Sentence unchanged'); refreshRows(D, [i]); return; }
    commit({e: [], m: [[d, i, before, after]]},
      after === null ? 'Hand edit of sentence ' + (i + 1) + ' removed' : 'Sentence ' + (i + 1) + ' edited by hand');
  }

  var storageOk = true;

  function save() {
    if (!storageOk) return;
    try {
      var out = {v: 1, docs: docs.map(function (D) {
        var st = new Array(D.nE);
        for (var k = 0; k < D.nE; k++) st[k] = D.state[k];
        var m = {};
        D.manual.forEach(function (text, i) { m[i] = text; });
        return {st: st.join(''), m: m};
      })};
      localStorage.setItem(KEY, JSON.stringify(out));
    } catch (err) {
      storageOk = false;
      status('Decisions cannot be saved in this browser (' + err.name + '); export them before closing.');
    }
  }

  function load() {
    var raw;
    try { raw = localStorage.getItem(KEY); } catch (err) { storageOk = false; return false; }
    if (!raw) return false;
    try {
      var saved = JSON.parse(raw);
      if (saved.v !== 1 || !Array.isArray(saved.docs) || saved.docs.length !== docs.length) return false;
      saved.docs.forEach(function (sd, d) {
        var D = docs[d];
        if (typeof sd.st === 'string' && sd.st.length === D.nE) {
          for (var k = 0; k < D.nE; k++) {
            var v = sd.st.charCodeAt(k) - 48;
            D.state[k] = v >= 0 && v <= 2 ? v : 0;
          }
        }
        Object.keys(sd.m || {}).forEach(function (key) {
          var i = Number(key);
          if (i >= 0 && i < D.nS && i === Math.floor(i) && typeof sd.m[key] === 'string') D.manual.set(i, sd.m[key]);
        });
      });
      return docs.some(function (D) { return D.manual.size > 0 || D.state.some(function (v) { return v; }); });
    } catch (err) { return false; }
  }



  /* ------------------------------------------------------------------ rendering */

  function tooltip(D, k) {
    var e = D.ed[k], change;
    if (!e.original) change = '+ “' + e.replacement + '”';
    else if (!e.replacement) change = '− “' + e.original + '”';
    else change = '“' + e.original + '” → “' + e.replacement + '”';
    return e.kind + ' · ' + e.op + ' · confidence ' + Number(e.confidence).toFixed(2) + ': ' + change +
      ' · ' + STATE_NAME[D.state[k]];
  }

  function editAttrs(D, k, cls) {
    var c = 'e st' + D.state[k] + ' k-' + esc(D.ed[k].kind) + (cls ? ' ' + cls : '');
    if (cur && cur.d === D.k && cur.k === k) c += ' cur';
    return ' class="' + c + '" data-e="' + k + '" title="' + esc(tooltip(D, k)) + '"';
  }

  var SEVERITY_RANK = {error: 0, warning: 1, info: 2};

  /* The original text [a, b) of a sentence, escaped, with its flagged words (mark.flag), the target
     spans of its findings (mark.finding, the gravest severity's class) and its suspect words (mark.suspect,
     P(BAD) on hover) marked. */
  function textWithFlags(D, rec, a, b) {
    if (!rec.flags && !rec.findings && !rec.words) return esc(D.src.slice(a, b));
    var flags = rec.flags || [], found = rec.findings || [], words = rec.words || [], pts = [a, b];
    flags.concat(found, words).forEach(function (f) {
      if (f.u0 > a && f.u0 < b) pts.push(f.u0);
      if (f.u1 > a && f.u1 < b) pts.push(f.u1);
    });
    pts.sort(function (x, y) { return x - y; });
    var out = '';
    var covers = function (x, y) { return function (f) { return f.u0 <= x && f.u1 >= y && f.u1 > f.u0; }; };
    for (var j = 0; j + 1 < pts.length; j++) {
      var x = pts[j], y = pts[j + 1];
      if (x === y) continue;
      var on = flags.filter(covers(x, y)), fon = found.filter(covers(x, y)), won = words.filter(covers(x, y));
      var t = esc(D.src.slice(x, y));
      if (won.length && !on.length && !fon.length) {
        var p = Math.max.apply(null, won.map(function (w) { return w.p; }));
        t = '<mark class="suspect" title="P(BAD) ' + p.toFixed(2) + '">' + t + '</mark>';
      }
      if (on.length) {
        t = '<mark class="flag" title="' + esc(on.map(flagTitle).join('; ')) + '">' + t + '</mark>';
      }
      if (fon.length) {
        var sev = fon.map(function (g) { return g.f.severity; }).sort(function (p, q) {
          return (SEVERITY_RANK[p] || 0) - (SEVERITY_RANK[q] || 0);
        })[0];
        t = '<mark class="finding finding-' + esc(sev) + '" title="' +
          esc(fon.map(function (g) { return findingTitle(D, g.f); }).join('; ')) + '">' + t + '</mark>';
      }
      out += t;
    }
    return out;
  }

  function findingBadge(D, f) {
    return '<span class="badge finding finding-' + esc(f.severity) + '" title="' + esc(findingTitle(D, f)) + '">' +
      '<b aria-hidden="true">!</b> ' + esc(findingNote(f)) + '</span>';
  }

  function leftHtml(D, i) {
    var rec = D.S[i], out = '', pos = rec.u0;
    for (var n = rec.e0; n < rec.e1; n++) {
      var k = D.ord[n], a = Math.max(D.eu0[k], pos), b = Math.max(D.eu1[k], a);
      if (a > pos) out += textWithFlags(D, rec, pos, a);
      if (b > a) out += '<del' + editAttrs(D, k) + '>' + esc(D.src.slice(a, b)) + '</del>';
      else out += '<span' + editAttrs(D, k, 'caret') + '>‸</span>';
      pos = b;
    }
    if (pos < rec.u1) out += textWithFlags(D, rec, pos, rec.u1);
    return out;
  }

  function rightHtml(D, i) {
    var rec = D.S[i];
    if (D.manual.has(i)) return '<span class="manual">' + esc(D.manual.get(i)) + '</span>';
    var out = '', pos = rec.u0;
    for (var n = rec.e0; n < rec.e1; n++) {
      var k = D.ord[n], a = Math.max(D.eu0[k], pos), b = Math.max(D.eu1[k], a), st = D.state[k], e = D.ed[k];
      if (a > pos) out += esc(D.src.slice(pos, a));
      if (st === REJECTED) {
        if (b > a) out += '<span' + editAttrs(D, k) + '>' + esc(D.src.slice(a, b)) + '</span>';
        else out += '<span' + editAttrs(D, k, 'caret') + '>‸</span>';
      } else if (e.replacement) {
        out += '<ins' + editAttrs(D, k) + '>' + esc(e.replacement) + '</ins>';
      } else {
        out += '<del' + editAttrs(D, k) + '>' + esc(D.src.slice(a, b)) + '</del>';
      }
      pos = b;
    }
    if (pos < rec.u1) out += esc(D.src.slice(pos, rec.u1));
    return out;
  }

  function sentenceSummary(D, i) {
    var rec = D.S[i];
    if (rec.e1 === rec.e0) return '';
    var c = [0, 0, 0];
    for (var k = rec.e0; k < rec.e1; k++) c[D.state[k]]++;
    var n = rec.e1 - rec.e0;
    if (c[1] === n) return 'a';
    if (c[2] === n) return 'r';
    if (c[0] === n) return 'p';
    return c[0] ? 'p' : 'x';
  }

  function notesHtml(D, i) {
    var s = D.S[i].s, rec = D.S[i], out = '';
    if (D.manual.has(i)) {
      out += '<span class="badge hand">✎ edited by hand</span>';
      if (rec.e1 > rec.e0) out += '<span class="badge info">replaces the suggested edits</span>';
    }
    if (s.status === 'rejected') {
      out += '<span class="badge flag">⚑ rewrite refused: ' + esc(s.reason || 'no reason given') + '</span>';
    }
    if (s.score != null && s.score < LOW_SCORE) {
      out += '<span class="badge flag" title="mean log-probability per token of the model\'s proposal">' +
        '⚑ low model score ' + Number(s.score).toFixed(2) + '</span>';
    }
    if (s.quality != null) {
      var low = s.quality < LOW_QUALITY;
      out += '<span class="badge ' + (low ? 'flag' : 'info') + '">' + (low ? '⚑ low quality ' : 'quality ') +
        Number(s.quality).toFixed(2) + '</span>';
    }
    if (rec.flags) {
      rec.flags.forEach(function (f) {
        out += '<span class="badge flag"' + (f.suggestion ? ' title="' + esc(flagTitle(f)) + '"' : '') + '>⚑ ' +
          esc(f.kind) + (f.note ? ': ' + esc(f.note) : '') + ' “' + esc(D.src.slice(f.u0, f.u1)) + '”</span>';
      });
    }
    if (rec.findings) {
      rec.findings.forEach(function (g) { out += findingBadge(D, g.f); });
    }
    if (rec.suspects) {
      out += '<span class="badge suspect" title="words the quality head expects a post-editor to change, ' +
        'with P(BAD)"><b aria-hidden="true">?</b> ' + esc(suspectNote(D, rec)) + '</span>';
    }
    if (s.status === 'rejected' && s.proposal && s.proposal !== s.source) {
      out += '<details><summary>Model proposal</summary><div class="proposal">' + esc(s.proposal) + '</div></details>';
    }
    return out ? '<div class="notes">' + out + '</div>' : '';
  }

  function editorHtml(D, i) {
    var s = D.S[i].s;
    var text = D.manual.has(i) ? D.manual.get(i) : sentenceText(D, i, 'preview');
    var lines = Math.max(2, Math.ceil(text.length / 55));
    var html = '<div class="editor"><textarea rows="' + Math.min(lines, 12) + '" aria-label="Corrected sentence ' +
      (i + 1) + '" spellcheck="true">' + esc(text) + '</textarea><div class="ed-btns">' +
      '<button type="button" class="primary" data-act="save">Save <kbd>Ctrl+Enter</kbd></button>' +
      '<button type="button" data-act="cancel">Cancel <kbd>Esc</kbd></button>';
    if (s.proposal && s.proposal !== text) {
      html += '<button type="button" data-act="useprop">Start from the model\'s proposal</button>';
    }
    html += '<button type="button" data-act="usesrc">Start from the original</button></div></div>';
    return html;
  }

  var MARK = {a: '✓', r: '✗', x: '±', p: '•'};
  var MARK_LABEL = {a: 'all edits accepted', r: 'all edits rejected', x: 'edits decided, some rejected',
    p: 'edits undecided'};

  function rowHtml(D, i) {
    var rec = D.S[i], s = rec.s, sum = sentenceSummary(D, i), hand = D.manual.has(i);
    var cls = 'row';
    if (rec.para) cls += ' para';
    if (rec.flagged) cls += ' flagged';
    if (rec.findings) cls += ' has-finding';
    if (sum) cls += ' ss-' + sum;
    if (hand) cls += ' hand';
    if (cur && cur.d === D.k && cur.i === i) cls += ' cur-row';
    var mark = hand ? '✎' : sum ? MARK[sum] : s.status === 'rejected' ? '!' : '';
    var label = hand ? 'edited by hand' : sum ? MARK_LABEL[sum] : s.status;
    var isEditing = editing && editing.d === D.k && editing.i === i;
    var act = '';
    if (rec.e1 > rec.e0) {
      act += '<button type="button" class="sacc" data-act="sacc" title="Accept this sentence\'s edits (Shift+A)" ' +
        'aria-label="Accept the edits of sentence ' + (i + 1) + '">✓</button>' +
        '<button type="button" data-act="srej" title="Reject this sentence\'s edits (Shift+R)" ' +
        'aria-label="Reject the edits of sentence ' + (i + 1) + '">✗</button>';
    }
    if (hand) {
      act += '<button type="button" data-act="revert" title="Drop the hand edit" aria-label="Drop the hand edit of ' +
        'sentence ' + (i + 1) + '">↺</button>';
    } else {
      act += '<button type="button" data-act="edit" title="Edit the corrected sentence by hand (E)" ' +
        'aria-label="Edit sentence ' + (i + 1) + ' by hand">✎</button>';
    }
    return '<div class="' + cls + '" data-s="' + i + '"><div class="num" title="' + esc(label) + '">' + (i + 1) +
      '<span class="mk" aria-hidden="true">' + mark + '</span></div>' +
      '<div class="src">' + leftHtml(D, i) + '</div>' +
      '<div class="out">' + (isEditing ? editorHtml(D, i) : rightHtml(D, i) + notesHtml(D, i)) + '</div>' +
      '<div class="act">' + act + '</div></div>';
  }

  /* Rows are rendered lazily, CHUNK sentences at a time: a chunk near the viewport is rendered at
     once, the others in idle time; after a bulk change only visible chunks are redrawn at once. */
  var io = null, idleQueued = false;
  var charW = 8.4, colW = 500;

  function estimateHeight(D, c) {
    var h = 0, perLine = Math.max(20, colW / charW);
    for (var i = c * CHUNK; i < Math.min(D.nS, (c + 1) * CHUNK); i++) {
      var rec = D.S[i], len = rec.u1 - rec.u0;
      h += Math.ceil(len / perLine) * 25 + 16 + (rec.para ? 20 : 0) + (rec.flagged || rec.suspects ? 26 : 0);
    }
    return Math.max(h, 40);
  }

  function setupDoc(D) {
    D.sec = document.querySelector('section.doc[data-doc="' + D.k + '"]');
    D.rowsEl = D.sec.querySelector('.rows');
    D.sec.style.setProperty('--numw', (String(D.nS).length * 0.62 + 2.3).toFixed(2) + 'rem');
    var nC = Math.ceil(D.nS / CHUNK), html = '';
    D.rendered = new Uint8Array(nC);
    D.dirty = new Uint8Array(nC);
    D.visible = new Set();
    for (var c = 0; c < nC; c++) {
      html += '<div class="chunk" data-c="' + c + '" style="height:' + estimateHeight(D, c) + 'px"></div>';
    }
    if (!nC) html = '<div class="empty">(empty document)</div>';
    D.rowsEl.innerHTML = html;
    D.chunks = Array.prototype.slice.call(D.rowsEl.children, 0, nC);
    D.chunks.forEach(function (el) { io.observe(el); });
    if (D.rest.length) {
      var box = document.createElement('div');
      box.className = 'notes doc-findings';
      box.setAttribute('aria-label', 'Findings in no sentence');
      box.innerHTML = D.rest.map(function (f) { return findingBadge(D, f); }).join('');
      D.sec.insertBefore(box, D.sec.querySelector('.cols'));
    }
    if (D.errors.length) {
      var w = document.createElement('p');
      w.className = 'warn';
      w.textContent = 'This page’s data is inconsistent (' + D.errors.slice(0, 3).join('; ') +
        '); the export may be wrong.';
      D.sec.querySelector('.doc-h').appendChild(w);
    }
  }

  function renderChunk(D, c) {
    var el = D.chunks[c], html = '', typed = null;
    if (editing && editing.d === D.k && Math.floor(editing.i / CHUNK) === c && D.rendered[c]) {
      var ta0 = el.querySelector('textarea');
      if (ta0) typed = ta0.value;
    }
    for (var i = c * CHUNK; i < Math.min(D.nS, (c + 1) * CHUNK); i++) html += rowHtml(D, i);
    el.innerHTML = html;
    if (!D.rendered[c]) {
      el.style.height = '';
      el.classList.add('done');
      D.rendered[c] = 1;
    }
    el.style.containIntrinsicSize = 'auto ' + Math.max(40, el.offsetHeight || estimateHeight(D, c)) + 'px';
    D.dirty[c] = 0;
    if (typed !== null) { var ta1 = el.querySelector('textarea'); if (ta1) ta1.value = typed; }
  }

  function ensureChunk(D, i) {
    var c = Math.floor(i / CHUNK);
    if (!D.rendered[c] || D.dirty[c]) renderChunk(D, c);
  }

  function rowEl(D, i) {
    var c = Math.floor(i / CHUNK);
    if (!D.rendered[c] || D.dirty[c]) return null;
    return D.chunks[c].children[i - c * CHUNK] || null;
  }

  function refreshRows(D, rows) {
    var list = Array.from(rows);
    if (list.length > 40) {
      list.forEach(function (i) { var c = Math.floor(i / CHUNK); if (D.rendered[c]) D.dirty[c] = 1; });
      D.visible.forEach(function (c) { if (D.dirty[c]) renderChunk(D, c); });
      queueIdle();
      return;
    }
    list.forEach(function (i) {
      var el = rowEl(D, i);
      if (!el) return;
      var tpl = document.createElement('template');
      tpl.innerHTML = rowHtml(D, i);
      el.replaceWith(tpl.content.firstChild);
    });
  }

  function onIntersect(entries) {
    entries.forEach(function (en) {
      var c = Number(en.target.getAttribute('data-c'));
      var D = docs[Number(en.target.closest('section.doc').getAttribute('data-doc'))];
      if (en.isIntersecting) {
        D.visible.add(c);
        if (!D.rendered[c] || D.dirty[c]) renderChunk(D, c);
      } else D.visible.delete(c);
    });
  }

  function queueIdle() {
    if (idleQueued) return;
    idleQueued = true;
    var ric = window.requestIdleCallback || function (f) {
      return setTimeout(function () { f({timeRemaining: function () { return 8; }}); }, 30);
    };
    ric(function work(deadline) {
      var more = false;
      for (var d = 0; d < docs.length; d++) {
        var D = docs[d];
        for (var c = 0; c < (D.chunks || []).length; c++) {
          if (D.rendered[c] && !D.dirty[c]) continue;
          if (deadline.timeRemaining() < 4) { more = true; break; }
          renderChunk(D, c);
        }
        if (more) break;
      }
      if (more) ric(work, {timeout: 1000}); else idleQueued = false;
    }, {timeout: 1000});
  }

  /* ------------------------------------------------------------------ toolbar, counters, popover */

  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var slider = $('#mtfix-threshold'), sliderOut = $('#mtfix-threshold-value'), acceptBtn = $('#mtfix-accept');

  function thresholdValue() { return slider ? Number(slider.value) : 0; }

  function showFlagged() {
    var all = 0;
    docs.forEach(function (D) {
      var n = D.S.filter(function (rec) { return rec.flagged; }).length;
      all += n;
      var el = D.sec && D.sec.querySelector('[data-flagged]');
      if (el) el.textContent = n;
    });
    var top = $('#mtfix-flagged');
    if (top) top.textContent = all;
  }

  function afterChange(initial) {
    var tot = {undecided: 0, accepted: 0, rejected: 0, hand_edited: 0};
    docs.forEach(function (D) {
      var c = counts(D);
      Object.keys(tot).forEach(function (key) { tot[key] += c[key]; });
      var m = D.sec && D.sec.querySelector('[data-progress]');
      if (m) m.textContent = c.accepted + ' accepted · ' + c.rejected + ' rejected · ' + c.undecided +
        ' undecided · ' + c.hand_edited + ' edited by hand';
    });
    var p = $('#mtfix-progress');
    if (p) {
      p.innerHTML = '<b>' + tot.accepted + '</b> accepted · <b>' + tot.rejected + '</b> rejected · <b>' +
        tot.undecided + '</b> undecided · <b>' + tot.hand_edited + '</b> edited by hand';
    }
    updateSlider();
    var u = $('#mtfix-undo'), r = $('#mtfix-redo');
    if (u) u.disabled = !undoStack.length;
    if (r) r.disabled = !redoStack.length;
    refreshPopover();
    if (!initial) save(); /* at once: a few kB even for thousands of edits, and nothing is lost on a crash */
  }

  function updateSlider() {
    var th = thresholdValue(), n = 0;
    docs.forEach(function (D) {
      for (var k = 0; k < D.nE; k++) if (D.state[k] === UNDECIDED && D.ed[k].confidence >= th - 1e-9) n++;
    });
    if (sliderOut) sliderOut.textContent = th.toFixed(2);
    if (acceptBtn) {
      acceptBtn.textContent = 'Accept ' + n + (n === 1 ? ' edit' : ' edits');
      acceptBtn.disabled = n === 0;
    }
  }

  var pop = $('#mtfix-pop'), live = $('#mtfix-live');

  function announce(msg) { if (live) live.textContent = msg; }

  function status(msg) {
    var el = $('#mtfix-status');
    if (el) { el.textContent = msg; el.hidden = !msg; }
  }

  function editEl(d, k) {
    var D = docs[d], row = rowEl(D, D.esent[k]);
    if (!row) return null;
    return row.querySelector('.out [data-e="' + k + '"]') || row.querySelector('[data-e="' + k + '"]');
  }

  function refreshPopover() {
    if (!pop || pop.hidden || !cur || cur.k < 0) return;
    showPopover(cur.d, cur.k);
  }

  function showPopover(d, k) {
    if (!pop) return;
    var el = editEl(d, k);
    if (!el) { pop.hidden = true; return; }
    var D = docs[d], e = D.ed[k], st = D.state[k], change;
    if (!e.original) change = 'insert “' + esc(e.replacement) + '”';
    else if (!e.replacement) change = 'delete “' + esc(e.original) + '”';
    else change = '“' + esc(e.original) + '” → “' + esc(e.replacement) + '”';
    pop.innerHTML = '<div class="pop-h">' + esc(e.kind.replace('_', ' ')) + ' · ' + esc(e.op) + ' · edit ' + (k + 1) +
      ' of ' + D.nE + '</div><div class="pop-c">' + change + '</div><div>confidence <meter min="0" max="1" value="' +
      Number(e.confidence) + '"></meter> ' + Number(e.confidence).toFixed(2) + ' · <b>' + STATE_NAME[st] +
      '</b>' + (D.manual.has(D.esent[k]) ? ' (sentence edited by hand)' : '') + '</div><div class="pop-b">' +
      '<button type="button" data-act="acc"' + (st === ACCEPTED ? ' disabled' : '') + '>✓ Accept <kbd>a</kbd></button>' +
      '<button type="button" data-act="rej"' + (st === REJECTED ? ' disabled' : '') + '>✗ Reject <kbd>r</kbd></button>' +
      '<button type="button" data-act="und"' + (st === UNDECIDED ? ' disabled' : '') + '>Undecide</button></div>';
    pop.hidden = false;
    var r = el.getBoundingClientRect(), w = pop.offsetWidth;
    var left = Math.min(Math.max(8, r.left), document.documentElement.clientWidth - w - 8);
    pop.style.left = (left + window.scrollX) + 'px';
    pop.style.top = (r.bottom + window.scrollY + 6) + 'px';
  }

  function hidePopover() { if (pop) pop.hidden = true; }

  function setCur(d, i, k, opts) {
    var old = cur;
    cur = {d: d, i: i, k: k};
    var D = docs[d];
    ensureChunk(D, i);
    if (old) {
      var oD = docs[old.d], orow = rowEl(oD, old.i);
      if (orow) orow.classList.remove('cur-row');
      if (old.k >= 0 && orow) orow.querySelectorAll('[data-e="' + old.k + '"]').forEach(function (x) { x.classList.remove('cur'); });
    }
    var row = rowEl(D, i);
    if (row) {
      row.classList.add('cur-row');
      if (k >= 0) row.querySelectorAll('[data-e="' + k + '"]').forEach(function (x) { x.classList.add('cur'); });
      if (opts && opts.scroll) {
        var target = k >= 0 ? (editEl(d, k) || row) : row;
        var r = target.getBoundingClientRect(), vh = window.innerHeight;
        if (r.top < vh * 0.2 || r.bottom > vh * 0.8) target.scrollIntoView({block: 'center'});
      }
    }
    if (k >= 0 && !(opts && opts.nopop)) showPopover(d, k); else hidePopover();
    if (k >= 0 && opts && opts.say) announce(tooltip(D, k));
  }

  /* ------------------------------------------------------------------ navigation */

  var onlyFindings = false;

  /* Whether sentence i of D is hidden by the "findings only" filter (navigation skips it). */
  function hiddenRow(D, i) { return onlyFindings && !D.S[i].findings; }

  function setOnlyFindings(on) {
    onlyFindings = !!on;
    if (main) main.classList.toggle('only-findings', onlyFindings);
    var b = $('#mtfix-only-findings');
    if (b) b.setAttribute('aria-pressed', onlyFindings ? 'true' : 'false');
    announce(onlyFindings ? 'Showing only the sentences with findings' : 'Showing every sentence');
  }

  function nextEdit(dir) {
    /* n: position in text order (D.ord), not the edit's number */
    var d = cur ? cur.d : 0;
    var n = cur ? (cur.k >= 0 ? docs[d].rank[cur.k] : (dir > 0 ? docs[d].S[cur.i].e0 - 1 : docs[d].S[cur.i].e0)) : -1;
    if (!cur && dir < 0) { d = docs.length - 1; n = docs.length ? docs[d].nE : 0; }
    for (;;) {
      n += dir;
      if (d >= docs.length || d < 0) break;
      if (n >= 0 && n < docs[d].nE) {
        var k = docs[d].ord[n];
        if (hiddenRow(docs[d], docs[d].esent[k])) continue;
        setCur(d, docs[d].esent[k], k, {scroll: true, say: true});
        return true;
      }
      d += dir;
      if (d >= docs.length || d < 0) break;
      n = dir > 0 ? -1 : docs[d].nE;
    }
    announce(dir > 0 ? 'No more changes after this one' : 'No changes before this one');
    return false;
  }

  function nextFlagged(dir) {
    var d = cur ? cur.d : (dir > 0 ? 0 : docs.length - 1);
    var i = cur ? cur.i : (dir > 0 ? -1 : (docs[d] ? docs[d].nS : 0));
    while (d >= 0 && d < docs.length) {
      i += dir;
      if (i >= 0 && i < docs[d].nS) {
        var rec = docs[d].S[i];
        if (rec.flagged && !hiddenRow(docs[d], i)) {
          setCur(d, i, rec.e1 > rec.e0 ? docs[d].ord[rec.e0] : -1, {scroll: true, nopop: rec.e1 === rec.e0});
          announce('Flagged sentence ' + (i + 1));
          return;
        }
        continue;
      }
      d += dir;
      if (d >= 0 && d < docs.length) i = dir > 0 ? -1 : docs[d].nS;
    }
    announce('No more flagged sentences');
  }

  /* ------------------------------------------------------------------ hand editing */

  function startEdit(d, i) {
    if (editing) cancelEdit();
    editing = {d: d, i: i};
    var D = docs[d];
    ensureChunk(D, i);
    refreshRows(D, [i]);
    hidePopover();
    var row = rowEl(D, i), ta = row && row.querySelector('textarea');
    if (ta) {
      ta.focus();
      ta.setSelectionRange(ta.value.length, ta.value.length);
      row.scrollIntoView({block: 'nearest'});
    }
  }

  function finishEdit(saveIt) {
    if (!editing) return;
    var d = editing.d, i = editing.i, D = docs[d], row = rowEl(D, i);
    var ta = row && row.querySelector('textarea');
    var text = ta ? ta.value : null;
    editing = null;
    if (saveIt && text !== null) setManual(d, i, text); else refreshRows(D, [i]);
    var again = rowEl(D, i);
    if (again) {
      var btn = again.querySelector('[data-act="edit"],[data-act="revert"]');
      if (btn) btn.focus({preventScroll: true});
    }
  }

  function cancelEdit() { finishEdit(false); }

  /* ------------------------------------------------------------------ export */

  function fileStem(D) {
    var name = (D.r.name || '').split(/[\\/]/).pop() || '';
    if (!name || name === '<stdin>') name = 'stdin';
    name = name.replace(/[<>:"|?*\u0000-\u001f]/g, '_');
    var m = /^(.+?)(\.[^.]{1,8})?$/.exec(name);
    return {stem: m ? m[1] : name, ext: m && m[2] ? m[2] : '.txt'};
  }

  function download(name, text, type) {
    var blob = new Blob([text], {type: type});
    var url = URL.createObjectURL(blob), a = document.createElement('a');
    a.download = name;
    a.href = url;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 2000);
  }

  function downloadText(d) {
    var f = fileStem(docs[d]);
    download(f.stem + '.reviewed' + f.ext, exportText(d), 'text/plain;charset=utf-8');
    announce('Reviewed text downloaded');
  }

  function downloadDecisions(d) {
    var f = fileStem(docs[d]);
    download(f.stem + '.decisions.json', JSON.stringify(exportDecisions(d), null, 2) + '\n', 'application/json');
    announce('Decisions downloaded');
  }

  /* ------------------------------------------------------------------ events */

  function docOf(el) {
    var sec = el.closest('section.doc');
    return sec ? Number(sec.getAttribute('data-doc')) : -1;
  }

  function onClick(ev) {
    var t = ev.target;
    var btn = t.closest('button[data-act]');
    if (btn && pop && pop.contains(btn)) {
      if (!cur || cur.k < 0) return;
      var st = {acc: ACCEPTED, rej: REJECTED, und: UNDECIDED}[btn.getAttribute('data-act')];
      setEdits([[cur.d, cur.k]], st, (st === ACCEPTED ? 'Accepted' : st === REJECTED ? 'Rejected' : 'Undecided') +
        ' edit ' + (cur.k + 1));
      return;
    }
    var d = docOf(t);
    if (btn) {
      var act = btn.getAttribute('data-act');
      if (act === 'dl-text') { downloadText(Number(btn.getAttribute('data-d'))); return; }
      if (act === 'dl-json') { downloadDecisions(Number(btn.getAttribute('data-d'))); return; }
      var row = btn.closest('.row');
      if (!row || d < 0) return;
      var i = Number(row.getAttribute('data-s'));
      if (act === 'sacc' || act === 'srej') {
        setCur(d, i, docs[d].S[i].e1 > docs[d].S[i].e0 ? docs[d].ord[docs[d].S[i].e0] : -1, {nopop: true});
        setEdits(sentenceEdits(d, i), act === 'sacc' ? ACCEPTED : REJECTED,
          (act === 'sacc' ? 'Accepted' : 'Rejected') + ' the edits of sentence ' + (i + 1));
      } else if (act === 'edit') { setCur(d, i, -1); startEdit(d, i); }
      else if (act === 'revert') setManual(d, i, null);
      else if (act === 'save') finishEdit(true);
      else if (act === 'cancel') cancelEdit();
      else if (act === 'useprop' || act === 'usesrc') {
        var ta = row.querySelector('textarea');
        if (ta) { ta.value = act === 'useprop' ? docs[d].S[i].s.proposal : docs[d].S[i].s.source; ta.focus(); }
      }
      return;
    }
    var mark = t.closest('[data-e]');
    if (mark && d >= 0) {
      var k = Number(mark.getAttribute('data-e'));
      setCur(d, docs[d].esent[k], k, {say: true});
      return;
    }
    var r2 = t.closest('.row');
    if (r2 && d >= 0 && !(window.getSelection && String(window.getSelection()))) {
      setCur(d, Number(r2.getAttribute('data-s')), -1);
      return;
    }
    if (pop && !pop.contains(t)) hidePopover();
  }

  function onDblClick(ev) {
    var cell = ev.target.closest('.out');
    if (!cell || ev.target.closest('textarea,button,details')) return;
    var row = cell.closest('.row'), d = docOf(cell);
    if (row && d >= 0) startEdit(d, Number(row.getAttribute('data-s')));
  }

  function decideCurrent(st, advance) {
    if (!cur || cur.k < 0) { nextEdit(1); return; } /* first select, then decide */
    var d = cur.d, k = cur.k;
    setEdits([[d, k]], st, (st === ACCEPTED ? 'Accepted' : 'Rejected') + ' edit ' + (k + 1));
    if (advance) nextEdit(1);
  }

  function decideSentence(st) {
    if (!cur) { announce('No current sentence: press n first'); return; }
    var d = cur.d, i = cur.i;
    setEdits(sentenceEdits(d, i), st, (st === ACCEPTED ? 'Accepted' : 'Rejected') + ' the edits of sentence ' + (i + 1));
  }

  function onKey(ev) {
    var t = ev.target, tag = t && t.tagName;
    if (tag === 'TEXTAREA' && editing) {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); finishEdit(true); }
      else if (ev.key === 'Escape') { ev.preventDefault(); cancelEdit(); }
      return;
    }
    if (tag === 'TEXTAREA' || tag === 'INPUT' || tag === 'SELECT' || (t && t.isContentEditable)) return;
    var key = ev.key;
    if (ev.ctrlKey || ev.metaKey) {
      if (ev.altKey) return;
      if (key === 'z' || key === 'Z') { ev.preventDefault(); if (ev.shiftKey) redo(); else undo(); }
      else if (key === 'y') { ev.preventDefault(); redo(); }
      return;
    }
    if (ev.altKey) return;
    var done = true;
    switch (key) {
      case 'n': case 'j': nextEdit(1); break;
      case 'p': case 'k': nextEdit(-1); break;
      case 'a': decideCurrent(ACCEPTED, true); break;
      case 'r': decideCurrent(REJECTED, true); break;
      case 'A': decideSentence(ACCEPTED); break;
      case 'R': decideSentence(REJECTED); break;
      case 'e': if (cur) startEdit(cur.d, cur.i); else announce('No current sentence: press n first'); break;
      case 'u': undo(); break;
      case 'U': redo(); break;
      case 'f': nextFlagged(1); break;
      case 'F': nextFlagged(-1); break;
      case 'Escape': hidePopover(); break;
      case '?': var kd = $('details.keys'); if (kd) kd.open = !kd.open; break;
      default: done = false;
    }
    if (done) ev.preventDefault();
  }

  /* ------------------------------------------------------------------ start */

  var restored = load();
  var main = $('#mtfix-docs');
  if (main) {
    var probe = main.querySelector('.rows');
    if (probe) colW = Math.max(200, (probe.clientWidth - 160) / 2);
  }
  io = new IntersectionObserver(onIntersect, {rootMargin: '1200px 0px'});
  docs.forEach(setupDoc);
  /* the first screenful at once, so the page is never blank */
  docs.forEach(function (D) { if (D.chunks.length && D.k === 0) renderChunk(D, 0); });
  document.addEventListener('click', onClick);
  document.addEventListener('dblclick', onDblClick);
  document.addEventListener('keydown', onKey);
  window.addEventListener('resize', refreshPopover);
  if (slider) slider.addEventListener('input', updateSlider);
  if (acceptBtn) acceptBtn.addEventListener('click', function () { acceptAbove(thresholdValue()); });
  var bind = function (id, f) { var b = $(id); if (b) b.addEventListener('click', f); };
  bind('#mtfix-reject-rest', rejectUndecided);
  bind('#mtfix-undo', undo);
  bind('#mtfix-redo', redo);
  bind('#mtfix-reset', resetAll);
  bind('#mtfix-next', function () { nextEdit(1); });
  bind('#mtfix-prev', function () { nextEdit(-1); });
  bind('#mtfix-only-findings', function () { setOnlyFindings(!onlyFindings); });
  document.querySelectorAll('[data-needs-js]').forEach(function (el) { el.hidden = false; });
  showFlagged();
  afterChange(true);
  /* the column headings stick just below the toolbar, whose height depends on the window width */
  var tb = $('.toolbar');
  if (tb) {
    var setTb = function () { document.documentElement.style.setProperty('--tb', tb.offsetHeight + 'px'); };
    setTb();
    if (window.ResizeObserver) new ResizeObserver(setTb).observe(tb);
  }
  if (restored) status('Decisions restored from this browser’s storage (Clear all starts over).');
  queueIdle();

  var api = {
    ready: true,
    restored: restored,
    documents: docs.length,
    loadMs: 0,
    exportText: exportText,
    exportDecisions: exportDecisions,
    decisions: function (d) { return Array.from(docs[d].state, function (v) { return STATE_NAME[v]; }); },
    decide: function (d, k, what) {
      setEdits([[d, k]], STATE_NAME.indexOf(what), what + ' edit ' + (k + 1));
    },
    acceptAll: function (th) { acceptAbove(th == null ? 0 : th); },
    rejectUndecided: rejectUndecided,
    reset: resetAll,
    undo: undo,
    redo: redo,
    editSentence: function (d, i, text) { setManual(d, i, text); },
    show: function (d, i) {
      ensureChunk(docs[d], i);
      var el = rowEl(docs[d], i);
      if (el) el.scrollIntoView({block: 'center'});
    },
    current: function () { return cur && {doc: cur.d, sentence: cur.i, edit: cur.k}; },
    renderedRows: function () {
      return docs.reduce(function (n, D) { return n + D.rowsEl.querySelectorAll('.row').length; }, 0);
    },
    findings: function (d) { return docs[d].nF; },
    onlyFindings: setOnlyFindings,
    save: save
  };
  api.loadMs = Math.round(performance.now() - t0);
  window.mtfixReview = api;
})();
