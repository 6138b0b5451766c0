// LED big screen: rotates its panels and refreshes its data from JSON without reloading.
// Built to run for days: exactly one rotation interval, one clock interval and at most one pending
// fetch timer; each refresh replaces the list nodes (nothing accumulates). When a fetch fails the
// last data stays on screen and the next attempt waits longer (doubling, capped at 5 minutes).
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-url");
  var refreshMs = (parseFloat(body.getAttribute("data-refresh-seconds")) || 30) * 1000;
  var rotateMs = (parseFloat(body.getAttribute("data-rotate-seconds")) || 15) * 1000;
  var MAX_BACKOFF_MS = 300000;
  var failures = 0;
  var fetchTimer = null;
  var panels = ["news", "guides", "results"];
  var current = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function empty(tag, text, colspan) {
    var node = el(tag, "screen-empty", text);
    if (colspan) { node.colSpan = colspan; }
    return node;
  }

  function render(data) {
    var news = (data.news || []).map(function (item) {
      var li = el("li", "screen-item");
      li.appendChild(el("span", "screen-date", item.date));
      li.appendChild(el("span", "screen-text", item.title));
      return li;
    });
    var guides = (data.guides || []).map(function (guide) {
      var li = el("li", "screen-item");
      li.appendChild(el("span", "screen-text", guide.name));
      li.appendChild(el("span", "screen-meta",
        guide.theme + " · 承诺" + guide.promised + " · " + guide.fee));
      return li;
    });
    var results = (data.results || []).map(function (result) {
      var tr = el("tr");
      tr.appendChild(el("td", "", result.number));
      tr.appendChild(el("td", "", result.guide));
      tr.appendChild(el("td", "", result.applicant));
      var status = el("td");
      status.appendChild(el("span", "result-status result-" + result.status_code, result.status));
      if (result.lateness) {
        status.appendChild(el("span", "result-late", result.lateness));
      }
      tr.appendChild(status);
      return tr;
    });
    var emptyRow = el("tr");
    emptyRow.appendChild(empty("td", "今日暂无办件", 4));
    replace("news", news.length ? news : [empty("li", "暂无政务信息")]);
    replace("guides", guides.length ? guides : [empty("li", "暂无服务指南")]);
    replace("results", results.length ? results : [emptyRow]);
  }

  function replace(name, nodes) {
    var list = document.querySelector('[data-list="' + name + '"]');
    list.replaceChildren.apply(list, nodes);
  }

  function setStatus(text, isError) {
    var status = document.querySelector("[data-status]");
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
  }

  function schedule(ms) {
    if (fetchTimer) { window.clearTimeout(fetchTimer); }
    fetchTimer = window.setTimeout(load, ms);
  }

  function load() {
    fetchTimer = null;
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var guard = window.setTimeout(function () { if (controller) { controller.abort(); } }, 10000);
    fetch(url, { cache: "no-store", signal: controller ? controller.signal : undefined })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        render(data);
        failures = 0;
        setStatus("数据更新于 " + (data.generated_at || "").replace("T", " ").slice(0, 19), false);
        schedule(refreshMs);
      })
      .catch(function () {
        failures += 1;
        var wait = Math.min(refreshMs * Math.pow(2, failures), MAX_BACKOFF_MS);
        setStatus("网络连接中断，显示的是最近一次的数据，" + Math.round(wait / 1000) + " 秒后重试", true);
        schedule(wait);
      })
      .then(function () { window.clearTimeout(guard); });
  }

  function show(index) {
    current = index % panels.length;
    panels.forEach(function (name, i) {
      var panel = document.querySelector('[data-panel="' + name + '"]');
      panel.hidden = i !== current;
      panel.classList.toggle("is-current", i === current);
      document.querySelector('[data-tab="' + name + '"]').classList.toggle("is-current", i === current);
    });
    body.setAttribute("data-current", panels[current]);
  }

  function tick() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    document.querySelector("[data-clock]").textContent = (now.getMonth() + 1) + "月" + now.getDate() +
      "日 " + pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds());
  }

  document.addEventListener("DOMContentLoaded", function () {
    show(0);
    tick();
    window.setInterval(tick, 1000);
    window.setInterval(function () { show(current + 1); }, rotateMs);
    load();
  });
})();
