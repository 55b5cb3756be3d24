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
