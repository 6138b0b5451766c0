// The rich-text editor's menu in Chinese. django-prose-editor gives its menu buttons English
// titles (and its block-type menu English names) without asking the translation catalogue;
// this puts each through the admin's catalogue (window.gettext, served by admin/jsi18n/ with the
// Chinese names from portal/richtext.py EDITOR_LABELS) as each editor's menu appears.
(function () {
  "use strict";
  if (typeof window.gettext !== "function") {
    return;
  }
  var translate = window.gettext;

  function relabel(menu) {
    menu.querySelectorAll("[title], [aria-label]").forEach(function (element) {
      ["title", "aria-label"].forEach(function (name) {
        var value = element.getAttribute(name);
        if (value && translate(value) !== value) {
          element.setAttribute(name, translate(value));
        }
      });
    });
    menu.querySelectorAll("*").forEach(function (element) {
      // Icon buttons show an icon font's ligature name as their text: never translated.
      if (element.children.length || element.classList.contains("material-icons")) {
        return;
      }
      var text = element.textContent.trim();
      if (text && translate(text) !== text) {
        element.textContent = translate(text);
      }
    });
  }

  function scan(root) {
    if (root.nodeType !== 1) {
      return;
    }
    if (root.matches(".prose-menubar, .prose-menubar__dropdown, .prose-editor")) {
      relabel(root);
    }
    root.querySelectorAll(".prose-menubar, .prose-menubar__dropdown").forEach(relabel);
  }

  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(scan);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () {
    scan(document.body);
  });
})();
