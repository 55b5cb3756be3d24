// daeyeok: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  var themes = ["auto", "light", "dark"];

  var toggle = document.querySelector("[data-theme-toggle]");
  if (toggle) {
    toggle.hidden = false;
    var show = function () {
      var current = root.dataset.theme || "auto";
      toggle.setAttribute("data-current", current);
      toggle.title = toggle.getAttribute("aria-label") + ": " + current;
    };
    toggle.addEventListener("click", function () {
      var next = themes[(themes.indexOf(root.dataset.theme || "auto") + 1) % themes.length];
      root.dataset.theme = next;
      try {
        if (next === "auto") localStorage.removeItem("daeyeok-theme");
        else localStorage.setItem("daeyeok-theme", next);
      } catch (e) { /* private mode: the choice lasts for this page only */ }
      show();
    });
    show();
  }

  // Search: the box appears with JavaScript; the search module and Pagefind load on first use.
  var search = document.querySelector("[data-search]");
  if (search) {
    search.hidden = false;
    var input = search.querySelector("[data-search-input]");
    var started = false;
    var start = function () {
      if (started) return;
      started = true;
      import(search.dataset.base + "assets/daeyeok-search.js").then(function (m) { m.init(search); }, function () {
        started = false;
        var panel = search.querySelector("[data-search-results]");
        panel.textContent = search.dataset.error;
        panel.hidden = false;
      });
    };
    input.addEventListener("focus", start);
    input.addEventListener("input", start);
    document.addEventListener("keydown", function (e) {
      var el = document.activeElement;
      var typing = el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        input.focus();
      }
    });
  }

  // Parallel reading: the toggle is a link to the parallel page (works without JavaScript);
  // with JavaScript it swaps the aligned rows into this page and remembers the choice.
  var ptoggle = document.querySelector("[data-parallel-toggle]");
  if (ptoggle) {
    var prose = document.querySelector(".prose");
    var layout = document.querySelector(".layout");
    var single = null;
    var remember = function (on) {
      try { localStorage.setItem("daeyeok-parallel", on ? "on" : "off"); } catch (e) { /* private mode */ }
    };
    var show = function (on) {
      ptoggle.dataset.state = on ? "on" : "off";
      ptoggle.setAttribute("aria-pressed", on ? "true" : "false");
      ptoggle.textContent = on ? ptoggle.dataset.labelOn : ptoggle.dataset.labelOff;
      layout.classList.toggle("layout--parallel", on);
    };
    var turnOn = function () {
      return fetch(ptoggle.dataset.parallelUrl).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.text();
      }).then(function (html) {
        var other = new DOMParser().parseFromString(html, "text/html").querySelector(".prose");
        if (!other) throw new Error("no parallel view");
        single = prose.innerHTML;
        prose.innerHTML = other.innerHTML;
        show(true);
        document.dispatchEvent(new CustomEvent("daeyeok:content"));
      });
    };
    ptoggle.setAttribute("role", "button");
    ptoggle.setAttribute("aria-pressed", ptoggle.dataset.state === "on" ? "true" : "false");
    var onParallelPage = ptoggle.dataset.state === "on";
    ptoggle.addEventListener("click", function (e) {
      if (onParallelPage) { remember(false); return; } // follow the link back to the page
      e.preventDefault();
      if (ptoggle.dataset.state === "on") {
        if (single !== null) prose.innerHTML = single;
        show(false);
        document.dispatchEvent(new CustomEvent("daeyeok:content"));
        remember(false);
      } else {
        turnOn().then(function () { remember(true); }, function () { location.href = ptoggle.href; });
      }
    });
    var saved = null;
    try { saved = localStorage.getItem("daeyeok-parallel"); } catch (e) { /* private mode */ }
    if (onParallelPage) remember(true);
    else if (saved === "on") turnOn().catch(function () { /* stays single */ });
  }

  // Code and formulas wider than the column scroll sideways: make those (and only those) reachable
  // with the keyboard, so they can be scrolled without a mouse.
  var scrollables = function (scope) {
    Array.prototype.forEach.call(scope.querySelectorAll(".highlight pre, .math-display, .table-wrap"), function (el) {
      var overflows = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      if (overflows && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
    });
  };
  scrollables(document);
  window.addEventListener("resize", function () { scrollables(document); });
  window.addEventListener("load", function () { scrollables(document); }); // after fonts: formulas widen
  document.addEventListener("daeyeok:content", function () { scrollables(document); });

  // Glossary page: the filter box appears with JavaScript; without it the whole list is there.
  // Queries are compared like the data-filter keys the build writes (glossary_page.filter_key):
  // lower-case, spaces and hyphens removed, so 손실함수 finds 손실 함수 and "cross entropy" cross-entropy.
  var gfilter = document.querySelector("[data-glossary-filter]");
  if (gfilter) {
    gfilter.hidden = false;
    var ginput = gfilter.querySelector("input");
    var gcount = gfilter.querySelector("[data-glossary-count]");
    var entries = Array.prototype.slice.call(document.querySelectorAll("[data-glossary-entry]"));
    var ggroups = Array.prototype.slice.call(document.querySelectorAll("[data-glossary-group]"));
    var jumps = Array.prototype.slice.call(document.querySelectorAll(".glossary-index a"));
    var gkey = function (s) { return s.normalize("NFC").toLowerCase().replace(/[\s\-\u2010\u2013]+/g, ""); };
    var narrow = function () {
      var q = gkey(ginput.value);
      var shown = 0;
      entries.forEach(function (e) {
        var hit = !q || e.getAttribute("data-filter").indexOf(q) >= 0;
        e.hidden = !hit;
        if (hit) shown++;
      });
      ggroups.forEach(function (g) { g.hidden = !g.querySelector("[data-glossary-entry]:not([hidden])"); });
      jumps.forEach(function (a) { a.hidden = document.getElementById(a.getAttribute("href").slice(1)).closest("[data-glossary-group]").hidden; });
      gcount.textContent = !q ? "" : shown === 1 ? gfilter.dataset.countOne : shown ? gfilter.dataset.count.replace("{n}", shown) : gfilter.dataset.none;
    };
    ginput.addEventListener("input", narrow);
    if (ginput.value) narrow(); // a value restored by the back button
  }

  var menu = document.querySelector("[data-menu-toggle]");
  var sidebar = document.getElementById("sidebar");
  if (menu && sidebar) {
    menu.hidden = false;
    menu.addEventListener("click", function () {
      var open = sidebar.classList.toggle("is-open");
      menu.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
})();
