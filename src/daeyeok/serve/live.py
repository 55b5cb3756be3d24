"""The browser side of live reload: the injected tag, the script, and the error overlay.

The server adds one ``<script>`` tag to each HTML response while serving; the
files in the snapshot (and so anything ``daeyeok build`` writes) never contain
it.  The tag carries a fingerprint of the page as served.  The script listens
to server-sent events; each event carries the fingerprint of *this* page in
the new snapshot, so a tab reloads exactly when what it shows changed, even
after missed events or a server restart (EventSource reconnects by itself).
The overlay lives in a shadow root so the site's CSS cannot hide or restyle it.
"""

from __future__ import annotations

from html import escape

LIVE_PREFIX = "/__daeyeok/"
SCRIPT_PATH = LIVE_PREFIX + "live.js"
EVENTS_PATH = LIVE_PREFIX + "events"


def script_tag(digest: str) -> bytes:
    return f'<script src="{SCRIPT_PATH}" data-daeyeok-digest="{escape(digest)}"></script>'.encode()


def inject(html: bytes, digest: str) -> bytes:
    """Insert the live-reload tag before the last ``</body>`` (or at the end when there is none)."""
    tag = script_tag(digest)
    lower = html[-4096:].lower()
    i = lower.rfind(b"</body")
    if i < 0:
        return html + tag
    at = len(html) - len(lower) + i
    return html[:at] + tag + html[at:]


LIVE_JS = r"""// daeyeok serve: live reload and the build error overlay (injected only while serving)
(function () {
  "use strict";
  var me = document.currentScript;
  var digest = me ? me.getAttribute("data-daeyeok-digest") : null;
  var host = null, dismissed = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var CSS = [
    ":host{all:initial;display:block;position:fixed;inset:0;z-index:2147483647}",
    ".backdrop{position:absolute;inset:0;background:rgba(20,20,24,.55);display:flex;align-items:flex-start;justify-content:center;overflow:auto;padding:4vh 2vw}",
    ".panel{box-sizing:border-box;width:min(960px,100%);background:#1b1b1f;color:#f0f0f0;border-top:6px solid #e5484d;border-radius:8px;box-shadow:0 12px 40px rgba(0,0,0,.5);padding:18px 22px;font:14px/1.5 system-ui,'Noto Sans CJK KR',sans-serif}",
    ".head{display:flex;gap:12px;align-items:baseline;justify-content:space-between;margin-bottom:10px}",
    "h2{margin:0;font-size:18px;color:#ff8a8a}",
    ".hint{color:#b8b8c0;font-size:13px;margin:0 0 12px}",
    "button{font:inherit;background:#2c2c33;color:#f0f0f0;border:1px solid #50505a;border-radius:6px;padding:3px 10px;cursor:pointer}",
    ".error{margin:0 0 14px}",
    ".where{font:600 14px/1.4 ui-monospace,'DejaVu Sans Mono',monospace;color:#7cc4ff;word-break:break-all}",
    ".message{font:14px/1.5 ui-monospace,'DejaVu Sans Mono',monospace;color:#ffd7d7;white-space:pre-wrap;margin:2px 0 6px}",
    ".frame{background:#111114;border-radius:6px;padding:6px 0;margin:0;overflow-x:auto;font:13px/1.5 ui-monospace,'DejaVu Sans Mono','Noto Sans Mono CJK KR',monospace}",
    ".line{display:block;padding:0 12px;white-space:pre}",
    ".line.at{background:#4a1d22}",
    ".no{display:inline-block;min-width:3.5em;color:#80808a;user-select:none}"
  ].join("\n");

  function hide() {
    if (host) { host.remove(); host = null; }
  }

  function show(errors) {
    hide();
    host = document.createElement("daeyeok-overlay");
    host.setAttribute("role", "alert");
    var root = host.attachShadow({mode: "open"});
    var style = el("style"); style.textContent = CSS; root.appendChild(style);
    var backdrop = el("div", "backdrop"), panel = el("div", "panel");
    panel.setAttribute("lang", "ko");
    var head = el("div", "head");
    head.appendChild(el("h2", "title", "빌드 오류 · Build error (" + errors.length + ")"));
    var close = el("button", "close", "닫기 · Close");
    close.addEventListener("click", function () { dismissed = JSON.stringify(errors); hide(); });
    head.appendChild(close);
    panel.appendChild(head);
    panel.appendChild(el("p", "hint", "마지막으로 성공한 빌드를 보여 주고 있습니다. 파일을 고치면 이 창은 저절로 사라집니다. · Showing the last good build; fix the file and this goes away by itself."));
    errors.forEach(function (e) {
      var box = el("section", "error");
      box.appendChild(el("div", "where", e.path + ":" + e.line + ":" + e.col));
      box.appendChild(el("div", "message", "error " + e.code + ": " + e.message + (e.fix ? " (fix: " + e.fix + ")" : "")));
      if (e.context && e.context.length) {
        var pre = el("pre", "frame");
        e.context.forEach(function (c) {
          var line = el("span", "line" + (c[0] === e.line ? " at" : ""));
          line.appendChild(el("span", "no", String(c[0])));
          line.appendChild(document.createTextNode(c[1]));
          pre.appendChild(line);
        });
        box.appendChild(pre);
      }
      panel.appendChild(box);
    });
    backdrop.appendChild(panel);
    root.appendChild(backdrop);
    document.documentElement.appendChild(host);
  }

  function connect() {
    var source = new EventSource("/__daeyeok/events?path=" + encodeURIComponent(location.pathname));
    source.addEventListener("state", function (event) {
      var state = JSON.parse(event.data);
      if (digest !== null && state.digest !== digest) {
        source.close();
        location.reload();
        return;
      }
      if (state.errors.length && JSON.stringify(state.errors) !== dismissed) show(state.errors);
      else if (!state.errors.length) { dismissed = null; hide(); }
    });
  }
  connect();
})();
"""
