// daeyeok search: Pagefind with Korean query handling. Loaded by daeyeok.js only when a reader opens search.
// The rules below are written in by `daeyeok build` from daeyeok/korean.py (daeyeok.search.expand.query_rules).
const RULES = /*DAEYEOK_RULES*/{};
const HANGUL_WORD = /^[\uac00-\ud7a3]+$/;
const TRAILING_JAMO = /[\u3131-\u318e\u1100-\u11ff]+$/;
const MAX_RESULTS = 8;

function isParticleChain(suffix) {
  if (suffix.startsWith("들")) {
    suffix = suffix.slice(1);
    if (!suffix) return true;
  }
  for (let i = 0; i < 3; i++) {
    const particle = RULES.particles.find((p) => suffix.startsWith(p));
    if (!particle) return false;
    suffix = suffix.slice(particle.length);
    if (!suffix) return true;
  }
  return false;
}

// The same stemming as daeyeok.search.expand.strip_particles: shortest stem of >= minStem syllables
// whose remainder is a particle chain (신경망을 -> 신경망, 신경망에서는 -> 신경망).
export function stripParticles(word) {
  if (word.length <= RULES.minStem || !HANGUL_WORD.test(word)) return word;
  for (let cut = RULES.minStem; cut < word.length; cut++) {
    if (isParticleChain(word.slice(cut))) return word.slice(0, cut);
  }
  return word;
}

// What is sent to Pagefind: particles stripped from Hangul words, a half-typed final jamo dropped
// (그라ㄷ while the IME is composing). A quoted phrase is left exactly as typed.
export function prepareQuery(query) {
  const q = query.trim();
  if (q.includes('"')) return q;
  return q
    .split(/\s+/)
    .map((w) => w.replace(TRAILING_JAMO, ""))
    .filter(Boolean)
    .map((w) => (HANGUL_WORD.test(w) ? stripParticles(w) : w))
    .join(" ");
}

const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Remove helper words (each written ⟦word in the index, see daeyeok/search/documents.py) from a
// Pagefind excerpt. When the match was only in helper words, mark the query words in what is left
// (Hangul with or without spaces: 손실함수 marks 손실 함수); when nothing is left to mark (a match
// through the glossary in the other language), say which helper word matched.
export function cleanExcerpt(html, words, fallback = "") {
  const via = [];
  const helper = new RegExp(`(<mark>)?${escapeRegExp(RULES.mark)}([^\\s<]*)(</mark>)?`, "g");
  let out = html.replace(helper, (m, open, word) => {
    if (open && !via.includes(word)) via.push(word);
    return "";
  });
  out = out.replace(/<mark>\s*<\/mark>/g, "").replace(/\s{2,}/g, " ").trim();
  if (out.replace(/<[^>]*>|[.\s]/g, "").length < 2) out = fallback;
  if (!out.includes("<mark>")) {
    for (const w of words) {
      if (w.length < 2 || /[<>&"]/.test(w)) continue;
      const pattern = HANGUL_WORD.test(w) ? Array.from(w).map(escapeRegExp).join("\\s?") : escapeRegExp(w);
      out = out.replace(new RegExp(pattern, "gi"), (m) => `<mark>${m}</mark>`);
    }
  }
  if (!out.includes("<mark>") && via.length) out += ` <span class="search__via">(${via.map((v) => `<mark>${v}</mark>`).join(", ")})</span>`;
  return out;
}

// The start of a page's own text, helper words removed: the excerpt when Pagefind's window held only helper words.
export function pageStart(content) {
  const text = content.split(/\s+/).filter((w) => !w.startsWith(RULES.mark)).join(" ");
  return escapeHtml(text.length > 160 ? text.slice(0, 160) + "…" : text);
}

function bestSub(data) {
  const subs = data.sub_results || [];
  let best = null;
  for (const s of subs) if (!best || (s.locations || []).length > (best.locations || []).length) best = s;
  return best;
}

export function init(root) {
  const input = root.querySelector("[data-search-input]");
  const panel = root.querySelector("[data-search-results]");
  const base = root.dataset.base;
  const t = { none: root.dataset.noResults, error: root.dataset.error, count: root.dataset.count };
  let pagefind = null;
  let seq = 0;
  let timer = 0;

  async function load() {
    if (!pagefind) {
      pagefind = await import(base + "pagefind/pagefind.js");
      await pagefind.options({ baseUrl: base, excerptLength: 24 });
      await pagefind.init();
    }
    return pagefind;
  }

  function close() {
    panel.hidden = true;
  }

  async function run() {
    const mine = ++seq;
    const raw = input.value;
    const query = prepareQuery(raw);
    if (!query) {
      panel.replaceChildren();
      close();
      return;
    }
    let html;
    try {
      const pf = await load();
      const search = await pf.search(query);
      if (mine !== seq) return;
      const top = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
      if (mine !== seq) return;
      const words = query.replace(/"/g, "").split(/\s+/).filter(Boolean);
      const items = top.map((data) => {
        const sub = bestSub(data);
        const url = sub ? sub.url : data.url;
        const excerpt = cleanExcerpt(sub ? sub.excerpt : data.excerpt, words, pageStart(data.content || ""));
        const title = escapeHtml(data.meta.title || data.url);
        const section = sub && sub.title && sub.title !== data.meta.title ? ` <span class="search__section">› ${escapeHtml(sub.title)}</span>` : "";
        return `<li><a class="search__hit" href="${escapeHtml(url)}"><span class="search__title">${title}${section}</span><span class="search__excerpt">${excerpt}</span></a></li>`;
      });
      html = items.length
        ? `<p class="search__count" role="status">${escapeHtml(t.count.replace("{n}", String(search.results.length)))}</p><ol class="search__list">${items.join("")}</ol>`
        : `<p class="search__empty" role="status">${escapeHtml(t.none)}</p>`;
    } catch (e) {
      if (mine !== seq) return;
      html = `<p class="search__empty" role="status">${escapeHtml(t.error)}</p>`;
    }
    panel.innerHTML = html;
    panel.dataset.query = raw; // what these results answer (tests and styles can wait on it)
    panel.hidden = false;
  }

  const hits = () => Array.from(panel.querySelectorAll(".search__hit"));
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && hits().length) {
      e.preventDefault();
      hits()[0].focus();
    } else if (e.key === "Enter") {
      e.preventDefault();
      const first = hits()[0];
      if (first) first.click();
    } else if (e.key === "Escape") {
      input.value = "";
      panel.replaceChildren();
      close();
      input.blur();
    }
  });
  panel.addEventListener("keydown", (e) => {
    const list = hits();
    const i = list.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && i < list.length - 1) {
      e.preventDefault();
      list[i + 1].focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      (i > 0 ? list[i - 1] : input).focus();
    } else if (e.key === "Escape") {
      close();
      input.focus();
    }
  });
  document.addEventListener("click", (e) => {
    if (!root.contains(e.target)) close();
  });
  input.addEventListener("focus", () => {
    if (panel.childElementCount) panel.hidden = false;
  });
  load().catch(() => {});
  if (input.value) run();
}
