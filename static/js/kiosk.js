// Lobby kiosk: back button, clock, window plan, and the idle reset to the start page.
// The idle time is read from <body data-idle-seconds> each time the timer is armed, so it can be
// changed without reloading (the browser test shortens it).
(function () {
  "use strict";
  var body = document.body;
  var idleTimer = null;

  function homeUrl() { return body.getAttribute("data-home-url"); }
  function atHome() { return window.location.pathname === homeUrl(); }

  // The last touch is kept in sessionStorage so that a page reload (today's results refresh
  // themselves) does not count as activity.
  var KEY = "kiosk-last-touch";
  function lastTouch() {
    var value = null;
    try { value = parseFloat(window.sessionStorage.getItem(KEY)); } catch (e) { /* disabled */ }
    return value || Date.now();
  }
  function touched() {
    try { window.sessionStorage.setItem(KEY, String(Date.now())); } catch (e) { /* disabled */ }
    armIdle();
  }

  function armIdle() {
    if (idleTimer) { window.clearTimeout(idleTimer); }
    var seconds = parseFloat(body.getAttribute("data-idle-seconds")) || 120;
    var wait = Math.max(lastTouch() + seconds * 1000 - Date.now(), 0);
    idleTimer = window.setTimeout(function () {
      touched();
      if (atHome()) { window.scrollTo(0, 0); return; }
      window.location.assign(homeUrl());
    }, wait);
  }

  ["pointerdown", "touchstart", "keydown", "wheel"].forEach(function (name) {
    window.addEventListener(name, touched, { passive: true });
  });

  function tick() {
    var clock = document.querySelector("[data-clock]");
    if (!clock) { return; }
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    clock.textContent = now.getFullYear() + "年" + (now.getMonth() + 1) + "月" + now.getDate() + "日 " +
      pad(now.getHours()) + ":" + pad(now.getMinutes());
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 15000);
    try { if (!window.sessionStorage.getItem(KEY)) { touched(); } } catch (e) { /* disabled */ }
    armIdle();
    var back = document.querySelector("[data-back]");
    if (back) {
      back.addEventListener("click", function () {
        // Only go back within the kiosk; otherwise to its start page.
        var ref = document.referrer;
        if (ref && ref.indexOf(window.location.origin + homeUrl()) === 0) { window.history.back(); }
        else { window.location.assign(homeUrl()); }
      });
    }
    var windows = document.querySelectorAll("[data-window]");
    windows.forEach(function (button) {
      button.addEventListener("click", function () {
        windows.forEach(function (other) { other.setAttribute("aria-expanded", "false"); });
        button.setAttribute("aria-expanded", "true");
        document.querySelectorAll(".hall-detail").forEach(function (detail) {
          detail.hidden = detail.id !== button.getAttribute("aria-controls");
        });
      });
    });
    var refresh = document.querySelector("[data-refresh-seconds]");
    if (refresh) {
      // Today's results refresh themselves while the page stays open.
      window.setInterval(function () { window.location.reload(); },
        (parseFloat(refresh.getAttribute("data-refresh-seconds")) || 30) * 1000);
    }
  });
})();
