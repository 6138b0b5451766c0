// 适老化 mode: larger type, stronger contrast, one column. Loaded without defer in <head>, so the
// stored choice is on <html> before the first paint (no flash of the normal page); the switch
// buttons are wired once the page is parsed. The only home of the mode and of its stored key.
(function () {
  "use strict";
  var KEY = "elder-mode";
  var root = document.documentElement;
  try { if (window.localStorage.getItem(KEY) === "1") { root.classList.add("elder"); } } catch (e) { /* private mode */ }
  function show(on) {
    document.querySelectorAll("[data-elder-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "退出适老化模式" : "适老化模式";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    show(root.classList.contains("elder"));
    document.querySelectorAll("[data-elder-toggle]").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = root.classList.toggle("elder");
        try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* ignore */ }
        show(on);
      });
    });
  });
})();
