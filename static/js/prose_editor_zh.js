// The rich-text editor's menu in Chinese. django-prose-editor gives its menu buttons English
// titles, its block-type menu English names and its dialogs' choices English values, without
// asking the translation catalogue; this puts each through the admin's catalogue (window.gettext,
// served by admin/jsi18n/ with the Chinese from portal/richtext.py EDITOR_LABELS) as it appears.
(function () {
  "use strict";
  // The catalogue (admin/jsi18n/) may load after this script: look it up when relabelling.
  function translate(value) {
    return typeof window.gettext === "function" ? window.gettext(value) : value;
  }

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
        if (element.tagName === "OPTION" && !element.hasAttribute("value")) {
          element.value = text; // the editor reads the option's value ("Yes"/"No")
        }
        element.textContent = translate(text);
      }
    });
  }

  function scan(root) {
    if (root.nodeType !== 1) {
      return;
    }
    // The menu, and the editor's dialogs (their choices, such as 包含表头行, are shown as given).
    var selector = ".prose-menubar, .prose-menubar__dropdown, dialog";
    if (root.matches(selector)) {
      relabel(root);
    }
    root.querySelectorAll(selector).forEach(relabel);
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
