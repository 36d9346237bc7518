// The arrangement request in steps (templates/schedules/request_*.html). Every step works without
// this script; it only improves them:
// - the error summary takes the focus, so a screen reader and a keyboard start at what to fix;
// - a button that sends the form is disabled once tapped (a double tap writes once anyway);
// - "where": the other office / designated location question shows under its choice only;
// - "which days": ranges ("tap the first and the last day"), weekday patterns ("every Tuesday in
//   January"), "clear all", and the LIVE rule check: the step's form is posted to
//   /arrangements/check/, which answers the rule badges and the weekly quota as HTML;
// - "what you will deliver": rows added and removed in the page, evidence uploaded through the
//   evidence API.
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  var form = document.getElementById("arrangement-form");
  if (!form) return;
  var step = form.getAttribute("data-step");

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-once")) return;
    if (button.getAttribute("aria-disabled") === "true") { event.preventDefault(); return; }
    // Not `disabled`: a disabled submitter would drop its name/value from the posted form.
    setTimeout(function () { button.setAttribute("aria-disabled", "true"); }, 0);
  });

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // ---------------------------------------------------------------- where
  if (step === "where") {
    var toggle = function () {
      var checked = form.querySelector('input[name="location"]:checked');
      var location = checked ? checked.value : "";
      form.querySelectorAll("[data-show-for]").forEach(function (el) {
        // A question with an error stays visible whatever is chosen.
        el.hidden = el.getAttribute("data-show-for") !== location && !el.querySelector(".error-message");
      });
    };
    form.addEventListener("change", toggle);
    toggle();
  }

  // ---------------------------------------------------------------- which days
  if (step === "days") {
    var boxes = function () { return Array.prototype.slice.call(form.querySelectorAll('input[name="dates"]')); };
    var tools = form.querySelector(".sched-picker-tools");
    var rangeButton = form.querySelector("[data-range]");
    var rangeHelp = form.querySelector("[data-range-help]");
    var anchor = null;
    tools.hidden = false;
    form.querySelectorAll(".sched-picker-pattern, .sched-pattern-help").forEach(function (el) { el.hidden = false; });
    form.querySelectorAll(".sched-picker-head").forEach(function (el) { el.hidden = true; });

    var syncPatterns = function () {
      form.querySelectorAll("[data-pattern]").forEach(function (button) {
        var days = button.getAttribute("data-pattern").split(" ");
        var all = days.every(function (iso) {
          var box = document.getElementById("day-" + iso);
          return box && box.checked;
        });
        button.setAttribute("aria-pressed", all ? "true" : "false");
      });
    };
    var setRange = function (on) {
      rangeButton.setAttribute("aria-pressed", on ? "true" : "false");
      rangeHelp.textContent = on ? rangeButton.getAttribute("data-on") : "";
      anchor = null;
    };
    rangeButton.addEventListener("click", function () {
      setRange(rangeButton.getAttribute("aria-pressed") !== "true");
    });
    form.querySelector("[data-clear]").addEventListener("click", function () {
      boxes().forEach(function (box) { box.checked = false; });
      changed();
    });
    form.querySelectorAll("[data-pattern]").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = button.getAttribute("aria-pressed") !== "true";
        button.getAttribute("data-pattern").split(" ").forEach(function (iso) {
          var box = document.getElementById("day-" + iso);
          if (box) box.checked = on;
        });
        changed();
      });
    });
    form.addEventListener("change", function (event) {
      var box = event.target;
      if (box.name !== "dates") return;
      if (rangeButton.getAttribute("aria-pressed") === "true") {
        if (anchor === null) {
          anchor = box.value;
          box.checked = true;
        } else {
          var from = anchor < box.value ? anchor : box.value;
          var to = anchor < box.value ? box.value : anchor;
          boxes().forEach(function (b) { if (b.value >= from && b.value <= to) b.checked = true; });
          setRange(false);
        }
      }
      changed();
    });

    // The live rule check.
    var section = document.getElementById("rule-check");
    var result = document.getElementById("rule-check-result");
    var timer = null;
    var sequence = 0;
    var check = function () {
      var mine = ++sequence;
      var data = new FormData(form);
      section.hidden = false;
      section.setAttribute("aria-busy", "true");
      fetch(form.getAttribute("data-check-url"), {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }, body: data
      }).then(function (response) {
        return response.text();
      }).then(function (html) {
        if (mine !== sequence) return;  // a newer check is on its way
        // Server-rendered by templates/schedules/_rule_check.html, no script in it.
        var parsed = new DOMParser().parseFromString(html, "text/html");
        result.replaceChildren.apply(result, Array.prototype.slice.call(parsed.body.childNodes));
        // The one-line summary beside the Continue button, which stays on screen on a phone.
        var line = result.querySelector("[data-summary]");
        var bar = document.getElementById("days-summary");
        if (bar) {
          bar.querySelector("[data-summary-text]").textContent = line ? line.textContent : "";
          bar.hidden = !line;
        }
      }).catch(function () {
        if (mine === sequence) result.textContent = "";
      }).then(function () { section.removeAttribute("aria-busy"); });
    };
    var changed = function () {
      syncPatterns();
      clearTimeout(timer);
      timer = setTimeout(check, 350);
    };
    syncPatterns();
    if (boxes().some(function (b) { return b.checked; })) check();
  }

  // ---------------------------------------------------------------- what you will deliver
  if (step === "plan") {
    var rows = document.getElementById("work-plan-rows");
    var total = form.elements.namedItem("work_plan-TOTAL_FORMS");
    var template = document.getElementById("work-plan-empty");
    var addButton = document.getElementById("work-plan-add");
    var renumber = function () {
      var all = rows.querySelectorAll("[data-plan-row]");
      all.forEach(function (row, index) {
        row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
          ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
            var v = el.getAttribute(attr);
            if (v) el.setAttribute(attr, v.replace(/work_plan-(\d+|__prefix__)-/g, "work_plan-" + index + "-"));
          });
        });
      });
      total.value = all.length;
    };
    rows.querySelectorAll("[data-remove-row]").forEach(function (b) { b.hidden = rows.children.length < 2; });
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      rows.appendChild(template.content.cloneNode(true));
      renumber();
      var added = rows.lastElementChild.querySelector("input");
      if (added) added.focus();
    });
    rows.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-row]");
      if (!button) return;
      button.closest("[data-plan-row]").remove();
      renumber();
      addButton.focus();
    });

    var fileInput = form.elements.namedItem("evidence_file");
    var status = document.getElementById("evidence-status");
    var idsInput = form.elements.namedItem("evidence_ids");
    if (fileInput && idsInput) {
      fileInput.addEventListener("change", function () {
        if (!fileInput.files || !fileInput.files.length) return;
        var data = new FormData();
        data.append("file", fileInput.files[0]);
        status.textContent = "…";
        fetch(form.getAttribute("data-evidence-url"), {
          method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }, body: data
        }).then(function (response) {
          return response.json().then(function (json) { return { ok: response.ok, json: json }; });
        }).then(function (answer) {
          if (!answer.ok) { status.textContent = answer.json.message || ""; return; }
          var ids = idsInput.value.split(",").filter(function (v) { return /^\d+$/.test(v); });
          ids.push(String(answer.json.id));
          idsInput.value = ids.join(",");
          status.textContent = "✓ " + (answer.json.original_name || answer.json.name || fileInput.files[0].name);
          fileInput.value = "";
        }).catch(function () { status.textContent = ""; });
      });
    }
  }
})();
