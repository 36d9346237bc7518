// FlexWork: small progressive enhancements. No inline handlers anywhere (the CSP forbids them).
(function () {
  "use strict";
  // Fetch calls send the CSRF token from <meta name="csrf-token">.
  window.flexworkCsrfToken = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };
  // Copy buttons: <button data-copy-target="id">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (target && navigator.clipboard) {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = button.getAttribute("data-copied-label") || button.textContent;
      });
    }
  });
  // The menus: one open <details> at a time; a tap outside or Escape closes it.
  function closeMenus(except) {
    document.querySelectorAll("details.more[open], details.menu[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    var inside = event.target.closest("details.more, details.menu");
    closeMenus(inside);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.more[open], details.menu[open]");
    if (open) {
      open.removeAttribute("open");
      var summary = open.querySelector("summary");
      if (summary) summary.focus();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    // A sub-menu scrolled so that the current tab is in view.
    var current = document.querySelector(".tabs a[aria-current]");
    if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest", inline: "center" });
  });
  // The offline page's "Try again".
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-reload]")) window.location.reload();
  });
  // The installable app: the service worker (served from /sw.js, scope "/").
  var script = document.currentScript;
  var workerUrl = script && script.getAttribute("data-service-worker");
  if (workerUrl && "serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(function () {});
    });
  }
  // A file over the upload limit is refused at once, in the page, before minutes of sending it:
  // <input type="file" data-max-bytes="…" data-too-large="message">. The server refuses it too (413).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('input[type="file"][data-max-bytes]')) return;
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var tooLarge = Array.prototype.some.call(input.files || [], function (file) { return file.size > limit; });
    var note = input.parentNode.querySelector(".error[data-size-error]");
    if (note) note.remove();
    if (!tooLarge) return;
    input.value = "";
    note = document.createElement("span");
    note.className = "help error";
    note.setAttribute("role", "alert");
    note.setAttribute("data-size-error", "");
    var strong = document.createElement("strong");
    strong.textContent = input.getAttribute("data-too-large");
    note.appendChild(strong);
    input.insertAdjacentElement("afterend", note);
  });
  // Confirmation for dangerous forms: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
