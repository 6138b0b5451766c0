// Site-wide behaviour. No framework; every page works without this file.
(function () {
  "use strict";
  var KEY = "elder-mode";
  function apply(on) {
    document.documentElement.classList.toggle("elder", on);
    document.querySelectorAll("[data-elder-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "退出适老化模式" : "适老化模式";
    });
  }
  var stored = false;
  try { stored = window.localStorage.getItem(KEY) === "1"; } catch (e) { /* private mode */ }
  if (stored) { document.documentElement.classList.add("elder"); }
  document.addEventListener("DOMContentLoaded", function () {
    apply(document.documentElement.classList.contains("elder"));
    document.querySelectorAll("[data-elder-toggle]").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = !document.documentElement.classList.contains("elder");
        try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* ignore */ }
        apply(on);
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
