// Import page: while a worker checks or writes the file, ask the API for the status every two
// seconds and show the rows checked; reload the page once the job is done (the preview or the
// result appears). The confirm button sends once: a second tap is ignored.
(function () {
  "use strict";
  var confirmForm = document.getElementById("import-confirm");
  if (confirmForm) {
    confirmForm.addEventListener("submit", function (event) {
      if (confirmForm.dataset.sent === "true") { event.preventDefault(); return; }
      confirmForm.dataset.sent = "true";
      var button = confirmForm.querySelector("button[type=submit]");
      if (button) { button.setAttribute("aria-disabled", "true"); }
    });
  }
  var box = document.getElementById("import-job");
  if (!box) { return; }
  var text = document.getElementById("import-progress-text");
  var bar = document.getElementById("import-progress");
  var words = document.getElementById("import-progress-words");
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  var running = { CHECKING: true, CONFIRMING: true };
  function show(batch) {
    if (!text || !words || !batch.row_count) { return; }
    text.textContent = words.content.textContent.trim()
      .replace("{done}", numbers.format(batch.rows_checked))
      .replace("{total}", numbers.format(batch.row_count));
    if (bar && bar.max) { bar.value = Math.min(100, Math.round(100 * batch.rows_checked / batch.row_count)); }
  }
  function poll() {
    fetch(box.dataset.pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (batch) {
        if (!batch) { window.setTimeout(poll, 5000); return; }
        if (!running[batch.status] || batch.status !== box.dataset.status) { window.location.reload(); return; }
        show(batch);
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
