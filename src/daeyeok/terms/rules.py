"""The glossary rules over Korean prose (rules 1–6 of docs/glossary.md).

One pass over each prose run finds Korean term uses (:meth:`Matcher.korean`)
and English term uses (:meth:`Matcher.english`) and judges each in place:

1. an avoided form → error, fixed to the preferred form with the particle re-agreed;
2. a keep-English term written in Hangul → warning;
3. a particle that disagrees with the word it follows → error; after
   ``한글(English)`` the particle agrees with the Korean word, after an
   English term with the term's reading;
4. ``한글(English)`` whose English is not that term's → warning naming the closest term;
5. the first use on a page of a ``gloss_first`` term without its gloss → info;

and rule 6 compares aligned paragraphs of the English source.  Positions
come from the prose run's per-character file offsets; an edit is attached
only when every character it replaces has a known offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..align import PROSE_KINDS, blocks_from_tokens
from ..diagnostics import Diagnostic, Severity
from ..korean import is_hangul_text, is_syllable, latin_reading, particle_problem
from ..model import Term
from .alignment import structural_pairs
from .findings import AVOIDED, FIRST_USE, GLOSS, KEEP_ENGLISH, MISSING, PARTICLE, Edit, Finding, Use
from .matcher import ACCEPTED, PREFERRED, TRANSLATED, EnMatch, KoForm, KoMatch, Matcher, english_key
from .matcher import AVOIDED as FORM_AVOIDED
from .prose import Page, Run

_LIGHT_VERB = re.compile(r"^(하|한|할|함|합|해|했|되|된|될|됨|됩|돼|됐|시키|시킨|시켜)")
#: endings that make another part of speech of one English word (non-linear / non-linearity)
_DERIVATIONS = frozenset({"", "e", "ity", "ion", "ation", "ate", "ive", "al", "ally", "ly", "ing", "ed", "s", "es"})
_GLOSS_TEXT = re.compile(r"^[A-Za-z][A-Za-z0-9 '\-]*[A-Za-z0-9]$")


@dataclass(frozen=True)
class Paren:
    """``(…)`` right after a term: its inner text and the word-suffix after ``)``."""

    open: int
    close: int
    inner: str
    after: str  # Hangul after ")" (and after literal emphasis markers: see _paren_after)
    after_at: int  # where ``after`` starts in the run text

    @property
    def is_gloss(self) -> bool:
        """A gloss holds no Hangul; ``(의 손실 그래프)`` continues the phrase instead."""
        return bool(self.inner.strip()) and not any(is_syllable(ch) for ch in self.inner)


@dataclass
class PageState:
    """What one page has seen so far (rule 5 is per page)."""

    seen_terms: set[int] = field(default_factory=set)


def _hangul_end(text: str, i: int) -> int:
    while i < len(text) and is_syllable(text[i]):
        i += 1
    return i


def _paren_after(text: str, end: int) -> Paren | None:
    p = end
    if text.startswith(" (", p):
        p += 1
    if not text.startswith("(", p):
        return None
    close = text.find(")", p + 1)
    if close < 0 or "(" in text[p + 1 : close] or close - p > 120:
        return None
    # `**손실(loss)**를`: CommonMark does not close emphasis between ")" and a letter, so the
    # markers stay literal text; the particle after them still belongs to the term
    at = close + 1
    while at < len(text) and text[at] in "*_":
        at += 1
    return Paren(p, close, text[p + 1 : close], text[at : _hangul_end(text, at)], at)


def _reading_of(text: str) -> str | None:
    """The Hangul a particle attaches to: the text itself when it ends in Hangul."""
    if text and is_syllable(text[-1]):
        return text
    return latin_reading(text)


def english_reading(term: Term, written: str) -> str | None:
    """How an English term as written is read aloud, which decides its particle."""
    folded = english_key(written, term.case_sensitive)
    heads = [term.en] + ([term.ko] if not any(is_syllable(c) for c in term.ko) else [])
    if term.reading and any(english_key(h, term.case_sensitive) == folded for h in heads):
        return term.reading
    return latin_reading(written)


class Checker:
    """Runs the rules over pages with one compiled glossary."""

    def __init__(self, matcher: Matcher):
        self.matcher = matcher
        self.terms = matcher.terms
        self.findings: list[Finding] = []
        self.uses: list[Use] = []
        self.korean_matches = matcher.korean_in  # memoised: rules 1–5 and rule 6 read the same runs
        self.english_matches = matcher.english_in

    # -- helpers -----------------------------------------------------------------------
    def _diag(self, page: Page, run: Run, at: int, severity: Severity, code: str, message: str, fix: str | None) -> Diagnostic:
        offset = run.offsets[at] if 0 <= at < len(run.offsets) else -1
        line, col = page.position(offset, run.line)
        return Diagnostic(page.path, line, col, severity, code, message, fix)

    def _edit(self, run: Run, start: int, end: int, text: str) -> Edit | None:
        span = run.source_span(start, end)
        return Edit(span[0], span[1], text) if span else None

    def _add(self, diag: Diagnostic, edits: list[Edit | None] | None = None) -> None:
        real = tuple(e for e in edits or [] if e is not None)
        if edits and len(real) != len(edits):
            real = ()  # part of the fix cannot be placed in the file: offer none of it
        self.findings.append(Finding(diag, real))

    def _particle_fix(self, run: Run, at: int, suffix: str, reading: str | None) -> tuple[str, Edit | None, bool]:
        """``suffix`` re-agreed with ``reading``: (new suffix, edit for its particle, changed?)."""
        if reading is None:
            return suffix, None, False
        problem = particle_problem(reading, suffix)
        if problem is None:
            return suffix, None, False
        wrong, right = problem
        return right + suffix[len(wrong) :], self._edit(run, at, at + len(wrong), right), True

    # -- one page ----------------------------------------------------------------------
    def check_page(self, page: Page, state: PageState | None = None) -> None:
        state = state or PageState()
        for run in page.runs:
            self._check_run(page, run, state)

    def _check_run(self, page: Page, run: Run, state: PageState) -> None:
        text = run.text
        gloss_spans: list[tuple[int, int]] = []
        for m in self.korean_matches(text):
            paren = _paren_after(text, m.end) if not m.suffix else None
            if paren is not None:
                gloss_spans.append((paren.open, paren.close))
            self._korean_use(page, run, m, paren, state)
        for e in self.english_matches(text):
            if any(a <= e.start < b for a, b in gloss_spans):
                continue
            self._english_use(page, run, e, state)

    def _korean_use(self, page: Page, run: Run, m: KoMatch, paren: Paren | None, state: PageState) -> None:
        text = run.text
        written = text[m.start : m.end]
        ok = [f for f in m.forms if f.kind in (PREFERRED, ACCEPTED)]
        avoided = [f for f in m.forms if f.kind == FORM_AVOIDED]
        translated = [f for f in m.forms if f.kind == TRANSLATED]
        main = (ok or avoided or translated)[0]
        term = self.terms[main.term]
        line, col = page.position(run.offsets[m.start], run.line)
        self.uses.append(Use(term.en, written + ("" if not main.verb else "하다"), main.kind, page.path, line, col))
        gloss = paren if paren is not None and paren.is_gloss else None
        # where the particle is, and what it attaches to in the text as written
        if gloss is not None:
            p_at, p_suffix = gloss.after_at, gloss.after
        else:
            p_at, p_suffix = m.end, m.suffix
        plural = p_suffix.startswith("들") and gloss is None
        if plural:
            p_at, p_suffix = p_at + 1, p_suffix[1:]
        judged = False
        if not ok and avoided:
            self._avoided(page, run, m, avoided, p_at, p_suffix, plural, gloss)
            judged = True
        elif not ok and translated:
            self._translated(page, run, m, term, p_at, p_suffix, plural, paren)
            judged = True
        if not main.verb:  # after rule 1 or 2 their fix re-agrees the particle, so no second edit
            self._particle(page, run, m.start, written, p_at, p_suffix, plural, gloss, with_edit=not judged)
        if gloss is not None:
            self._gloss(page, run, m, gloss)
        if ok:
            self._first_use(page, run, m, term, main.term, gloss, state)
        state.seen_terms.update(f.term for f in m.forms)

    def _avoided(self, page: Page, run: Run, m: KoMatch, avoided: list[KoForm], p_at: int, p_suffix: str, plural: bool, gloss: Paren | None) -> None:
        text = run.text
        written = text[m.start : m.end]
        fixes = {f.fix for f in avoided if f.fix}
        names = ", ".join(sorted({self.terms[f.term].en for f in avoided}))
        if len(fixes) != 1:
            message = f"'{written}' is a form to avoid for {names}"
            self._add(self._diag(page, run, m.start, Severity.ERROR, AVOIDED, message, " or ".join(sorted(fixes)) or None))
            return
        fix = next(iter(fixes))
        term = self.terms[avoided[0].term]
        reading = _reading_of(fix) or (term.reading if term.reading else None)
        base = (reading + "들") if plural and reading else reading
        new_suffix, particle_edit, changed = self._particle_fix(run, p_at, p_suffix, base)
        shown = fix + ("들" if plural and gloss is None else "")
        if gloss is not None:
            shown += f"({gloss.inner})"
        shown += new_suffix
        edits: list[Edit | None] = [self._edit(run, m.start, m.end, fix)]
        if changed:
            edits.append(particle_edit)
        message = f"'{written}' is a form to avoid for '{term.en}'; the glossary has {fix}"
        self._add(self._diag(page, run, m.start, Severity.ERROR, AVOIDED, message, shown), edits)

    def _translated(self, page: Page, run: Run, m: KoMatch, term: Term, p_at: int, p_suffix: str, plural: bool, paren: Paren | None) -> None:
        written = run.text[m.start : m.end]
        english = term.ko if not any(is_syllable(c) for c in term.ko) else term.en
        base = term.reading + "들" if plural and term.reading else term.reading
        new_suffix, particle_edit, changed = self._particle_fix(run, p_at, p_suffix, base)
        shown = english + ("들" if plural else "") + new_suffix
        message = f"'{term.en}' stays in English in Korean text; '{written}' translates it"
        edits: list[Edit | None] | None = None
        if paren is None and not _LIGHT_VERB.match(p_suffix):  # 드롭아웃(dropout), 과적합된다: an editor's call
            edits = [self._edit(run, m.start, m.end, english)] + ([particle_edit] if changed else [])
        self._add(self._diag(page, run, m.start, Severity.WARNING, KEEP_ENGLISH, message, shown), edits)

    def _particle(
        self,
        page: Page,
        run: Run,
        start: int,
        written: str,
        p_at: int,
        p_suffix: str,
        plural: bool,
        gloss: Paren | None,
        reading: str | None = None,
        with_edit: bool = True,
    ) -> None:
        if not p_suffix:
            return
        base = reading if reading is not None else _reading_of(written)
        if base is None:
            return
        if plural:
            base += "들"
        problem = particle_problem(base, p_suffix)
        if problem is None:
            return
        wrong, right = problem
        shown_word = written + ("들" if plural else "")
        after = f"{shown_word}({gloss.inner})" if gloss else shown_word
        why = f"; it agrees with {written}, not with '{gloss.inner}'" if gloss else ""
        if reading is not None and not is_syllable(written[-1]):
            why = f"; '{written}' is read {reading}"
        message = f"particle '{wrong}' after {after} should be '{right}'{why}"
        rest = p_suffix[len(wrong) :]
        edits = [self._edit(run, p_at, p_at + len(wrong), right)] if with_edit else None
        self._add(self._diag(page, run, p_at, Severity.ERROR, PARTICLE, message, after + right + rest), edits)

    def _gloss(self, page: Page, run: Run, m: KoMatch, gloss: Paren) -> None:
        inner = gloss.inner.strip()
        if not _GLOSS_TEXT.match(inner) or sum(ch.isalpha() for ch in inner) < 3:
            return
        candidates = {f.term for f in m.forms}
        if candidates & {t for e in self.matcher.english(inner) for t in e.terms}:
            return  # 은닉 레이어(hidden layer): the gloss covers a longer Korean phrase ending in the term
        folded = " ".join(english_key(inner, False))
        for t in candidates:
            for form in self.matcher.en_forms[t]:
                known = " ".join(english_key(form, False))
                shared = _common_prefix(known, folded)
                if shared >= 5 and known[shared:] in _DERIVATIONS and folded[shared:] in _DERIVATIONS:
                    return  # 비선형(non-linear) for non-linearity: another part of speech of the same word
        written = run.text[m.start : m.end]
        own = " / ".join(sorted({self.terms[t].en for t in candidates}))
        exact = [e for e in self.matcher.english(inner) if e.start == 0 and e.end == len(inner)]
        if exact:
            other = self.terms[exact[0].terms[0]]
            message = f"'{inner}' after {written} is the glossary English of {other.ko}, not of {written} ({own})"
        else:
            closest = self.matcher.closest_term(inner)
            hint = f"; closest glossary term: '{self.terms[closest].en}' ({self.terms[closest].ko})" if closest is not None else ""
            message = f"'{inner}' after {written} is not the glossary English of {written} ({own}){hint}"
        self._add(self._diag(page, run, gloss.open + 1, Severity.WARNING, GLOSS, message, None))

    def _first_use(self, page: Page, run: Run, m: KoMatch, term: Term, index: int, gloss: Paren | None, state: PageState) -> None:
        if index in state.seen_terms or not term.gloss_first or run.kind.startswith("h"):
            return
        if gloss is not None:
            return
        written = run.text[m.start : m.end]
        message = f"first use of '{term.en}' on this page: write {written}({term.en}) so readers learn the English term"
        self._add(self._diag(page, run, m.start, Severity.INFO, FIRST_USE, message, f"{written}({term.en})"))

    def _english_use(self, page: Page, run: Run, e: EnMatch, state: PageState) -> None:
        text = run.text
        term_index = e.terms[0]
        term = self.terms[term_index]
        line, col = page.position(run.offsets[e.start], run.line)
        self.uses.append(Use(term.en, e.text, "english", page.path, line, col))
        state.seen_terms.update(e.terms)
        if e.end < len(text) and text[e.end] == "(":
            return  # ReLU(렐루)는: the particle follows the parenthesis, not the term
        suffix = text[e.end : _hangul_end(text, e.end)]
        if not suffix:
            return
        reading = english_reading(term, e.text)
        if reading is None:
            return
        plural = suffix.startswith("들")
        at, rest = (e.end + 1, suffix[1:]) if plural else (e.end, suffix)
        self._particle(page, run, e.start, e.text, at, rest, plural, None, reading=reading)

    # -- rule 6 ------------------------------------------------------------------------
    def check_missing(self, korean: Page, english: Page) -> None:
        """Terms of each aligned English paragraph that its Korean paragraph does not render."""
        if not korean.tokens or not english.tokens:
            return
        ko_blocks = blocks_from_tokens(korean.tokens)
        en_blocks = blocks_from_tokens(english.tokens)
        ko_runs = _runs_by_line(korean)
        en_runs = _runs_by_line(english)
        prose = [b for b in ko_blocks if b.kind in PROSE_KINDS]
        neighbours = {id(b): prose[max(0, i - 1) : i + 2] for i, b in enumerate(prose)}
        for source, target in structural_pairs(en_blocks, ko_blocks):
            if target.kind not in PROSE_KINDS or source.kind not in PROSE_KINDS:
                continue
            kr = [r for ln in range(target.start, target.end + 1) for r in ko_runs.get(ln, ())]
            # a translator may move a word across a formula or a sentence boundary: the term
            # counts as rendered when the paragraph before or after has it
            around = [r for b in neighbours[id(target)] for ln in range(b.start, b.end + 1) for r in ko_runs.get(ln, ())]
            er = [r for ln in range(source.start, source.end + 1) for r in en_runs.get(ln, ())]
            if not kr or not er:
                continue
            wanted = {t for r in er for e in self.english_matches(r.text) for t in e.terms}
            if not wanted:
                continue
            ko_text = " ".join(r.text for r in kr)
            if not is_hangul_text(ko_text):
                continue  # an untranslated paragraph is the status report's business
            present = {f.term for r in around for m in self.korean_matches(r.text) for f in m.forms}
            present |= {t for r in around for e in self.english_matches(r.text) for t in e.terms}
            for t in sorted(wanted - present):
                if self._rendered_loosely(t, " ".join(r.text for r in around)):
                    continue
                term = self.terms[t]
                run = kr[0]
                first = next((i for i, o in enumerate(run.offsets) if o >= 0), 0)
                forms = " / ".join(dict.fromkeys([term.ko, *term.accept]))
                message = f"the English paragraph ({english.path}:{source.start}) uses '{term.en}'; this paragraph has neither {forms} nor '{term.en}'"
                self._add(self._diag(korean, run, first, Severity.WARNING, MISSING, message, None))

    def _rendered_loosely(self, t: int, ko_text: str) -> bool:
        """Any form of the term anywhere, even inside a compound (학습데이터 renders 'training')."""
        term = self.terms[t]
        stems = [term.ko, *term.accept, *term.avoid, *term.translations] + ([term.reading] if term.reading else [])
        for s in stems:
            s = s[:-2] if s.endswith("하다") and len(s) > 2 else s
            if s and (s in ko_text or s.replace(" ", "") in ko_text):
                return True
        low = ko_text.lower()
        return any(form.lower() in low for form in self.matcher.en_forms[t])


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _runs_by_line(page: Page) -> dict[int, list[Run]]:
    out: dict[int, list[Run]] = {}
    for run in page.runs:
        out.setdefault(run.line, []).append(run)
    return out
