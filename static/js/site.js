// Site-wide behaviour. No framework; every page works without this file. (适老化: elder.js.)
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("textarea[data-max-length]").forEach(countCharacters);
    // Phone folds (filters, an item's 信息目录) are open on a wide screen: CSS shows them
    // through ::details-content, and a browser without it has them opened here.
    if (!CSS.supports("selector(::details-content)") && window.matchMedia("(min-width: 641px)").matches) {
      document.querySelectorAll("details.phone-fold").forEach(function (fold) { fold.open = true; });
    }
  });

  // Long text boxes of citizen forms have no maxlength (a paste was cut without a word): a count
  // under the box instead, red past the limit, and a polite announcement only when the limit is
  // near or passed, not at every key. The server refuses an over-long text with a Chinese error.
  function countCharacters(box) {
    var max = Number(box.getAttribute("data-max-length"));
    var count = document.createElement("p");
    count.className = "char-count";
    count.id = box.id + "_count";
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", count);
    count.insertAdjacentElement("afterend", live);
    var described = box.getAttribute("aria-describedby");
    box.setAttribute("aria-describedby", (described ? described + " " : "") + count.id);
    var zone = "";
    function update() {
      // As the server counts: characters, with the CR LF a browser sends for each line break.
      var used = Array.from(box.value.trim().replace(/\r?\n/g, "\r\n")).length;
      var over = used - max;
      count.textContent = over > 0
        ? "已输入 " + used + " 字，超出 " + over + " 字，请删减后再提交"
        : "已输入 " + used + " / " + max + " 字";
      count.classList.toggle("char-count-over", over > 0);
      var now = over > 0 ? "over" : used >= max * 0.9 ? "near" : "";
      if (now !== zone) {
        zone = now;
        live.textContent = now === "over" ? "已超出字数限制 " + over + " 字"
          : now === "near" ? "还可输入 " + (max - used) + " 字" : "";
      }
    }
    box.addEventListener("input", update);
    update();
  }
})();
