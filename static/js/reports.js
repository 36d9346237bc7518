// Report run page: while the run is queued or running, ask the API for its status every two
// seconds and show the progress; reload the page once it is finished (downloads appear).
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box || box.dataset.finished === "true") { return; }
  var text = document.getElementById("report-status-text");
  var percent = document.getElementById("report-progress-text");
  var bar = document.getElementById("report-progress");
  var finished = { DONE: true, FAILED: true, SUPERSEDED: true };
  function poll() {
    fetch(box.dataset.pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (run) {
        if (!run) { window.setTimeout(poll, 5000); return; }
        percent.textContent = String(run.progress);
        bar.value = run.progress;
        text.className = "status status-" + run.status.toLowerCase();
        if (finished[run.status]) { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
