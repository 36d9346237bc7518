// The arrangement request form (templates/schedules/request_form.html): fields shown by the
// choices made, work plan rows added and removed, evidence uploaded through the evidence API, and
// the LIVE rule check: the form is posted as JSON to POST /api/v1/arrangements/check/ and every
// violation and the weekly quota are shown before submitting. Without JS the form still works:
// all fields show, one work plan row, and the "Check the rules" button asks the server.
(function () {
  "use strict";
  var form = document.getElementById("arrangement-form");
  if (!form) return;
  var section = document.getElementById("rule-check");
  var result = document.getElementById("rule-check-result");
  var timer = null;
  var sequence = 0;

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function field(name) { return form.elements.namedItem(name); }
  function value(name) { var f = field(name); return f && f.value ? f.value.trim() : ""; }
  function intOrNull(name) { var v = value(name); return /^\d+$/.test(v) ? parseInt(v, 10) : null; }
  function checkedValues(name) {
    return Array.prototype.map.call(form.querySelectorAll('input[name="' + name + '"]:checked'), function (i) { return i.value; });
  }
  function dateMode() { return checkedValues("date_mode")[0] || "dates"; }

  // ---------------------------------------------------------------- show what the choices need
  function toggle() {
    var location = value("location");
    form.querySelectorAll("[data-show-for]").forEach(function (el) {
      el.hidden = el.getAttribute("data-show-for") !== location;
    });
    var mode = dateMode();
    form.querySelectorAll("[data-mode]").forEach(function (el) {
      el.hidden = el.getAttribute("data-mode").split(" ").indexOf(mode) === -1;
    });
  }

  // ---------------------------------------------------------------- chosen days helper
  var adder = form.querySelector(".sched-date-add");
  if (adder) {
    adder.hidden = false;
    document.getElementById("date-add").addEventListener("click", function () {
      var picked = document.getElementById("date-picker").value;
      if (!picked) return;
      var input = field("dates");
      var days = input.value.split(",").map(function (d) { return d.trim(); }).filter(Boolean);
      if (days.indexOf(picked) === -1) days.push(picked);
      days.sort();
      input.value = days.join(", ");
      scheduleCheck();
    });
  }

  // ---------------------------------------------------------------- work plan rows
  var rows = document.getElementById("work-plan-rows");
  var total = field("work_plan-TOTAL_FORMS");
  var template = document.getElementById("work-plan-empty");
  function renumber() {
    var all = rows.querySelectorAll("[data-plan-row]");
    all.forEach(function (row, index) {
      row.querySelectorAll("input, select, textarea, label").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(/work_plan-(\d+|__prefix__)-/g, "work_plan-" + index + "-"));
        });
      });
      row.querySelectorAll("[id]").forEach(function (el) {
        el.id = el.id.replace(/work_plan-(\d+|__prefix__)-/g, "work_plan-" + index + "-");
      });
    });
    total.value = all.length;
  }
  document.getElementById("work-plan-add").hidden = false;
  rows.querySelectorAll("[data-remove-row]").forEach(function (b) { b.hidden = false; });
  document.getElementById("work-plan-add").addEventListener("click", function () {
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
    scheduleCheck();
  });
  function workPlan() {
    var out = [];
    rows.querySelectorAll("[data-plan-row]").forEach(function (row) {
      var get = function (suffix) {
        var el = row.querySelector('[name$="-' + suffix + '"]');
        return el ? el.value.trim() : "";
      };
      var quantity = get("quantity").replace(",", ".");
      if (get("description") && get("unit") && /^\d+(\.\d+)?$/.test(quantity) && parseFloat(quantity) > 0) {
        out.push({ description: get("description"), quantity: quantity, unit: get("unit"), indicator: null });
      }
    });
    return out;
  }

  // ---------------------------------------------------------------- evidence upload
  var fileInput = field("evidence_file");
  var status = document.getElementById("evidence-status");
  function evidenceIds() {
    return value("evidence_ids").split(",").filter(function (v) { return /^\d+$/.test(v); }).map(Number);
  }
  if (fileInput) {
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
        var ids = evidenceIds();
        ids.push(answer.json.id);
        field("evidence_ids").value = ids.join(",");
        status.textContent = "✓ " + (answer.json.original_name || answer.json.name || fileInput.files[0].name);
        fileInput.value = "";
        scheduleCheck();
      }).catch(function () { status.textContent = ""; });
    });
  }

  // ---------------------------------------------------------------- the live rule check
  function body() {
    var b = {
      location: value("location"),
      other_office_unit: value("location") === "OTHER_OFFICE" ? intOrNull("other_office_unit") : null,
      designated_location: value("location") === "DESIGNATED" ? intOrNull("designated_location") : null,
      planned_start: value("planned_start") || null,
      planned_end: value("planned_end") || null,
      reason: value("reason"),
      exception_basis: value("exception_basis") || null,
      evidence: evidenceIds(),
      work_plan: workPlan()
    };
    var mode = dateMode();
    if (mode === "dates") {
      b.dates = value("dates").split(/[,;\s]+/).filter(function (d) { return /^\d{4}-\d{2}-\d{2}$/.test(d); });
      if (!b.dates.length) return null;
    } else {
      b.date_from = value("date_from") || null;
      b.date_to = value("date_to") || null;
      if (!b.date_from || !b.date_to) return null;
      if (mode === "pattern") {
        b.weekdays = checkedValues("weekdays").map(Number);
        if (!b.weekdays.length) return null;
      }
    }
    return b;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(json) {
    result.textContent = "";
    var quota = json.quota || {};
    if (quota.counts_in_cap) {
      var left = Math.max(0, Math.min(5, quota.left || 0));
      var text = document.querySelector('#quota-texts li[data-n="' + left + '"]');
      result.appendChild(el("p", "sched-quota", text ? text.textContent.trim() : String(left))).id = "quota-text";
    }
    var violations = json.violations || [];
    if (!violations.length) { result.appendChild(el("p", "sched-ok", section.getAttribute("data-ok"))); return; }
    var list = el("ul", "sched-violations");
    violations.forEach(function (v) {
      var item = el("li", "sched-violation sev-" + v.severity);
      item.setAttribute("data-code", v.code);
      item.appendChild(el("span", "sched-code", v.code));
      var label = v.severity === "hard" ? "data-refused" : v.severity === "soft" ? "data-warning" : "data-note";
      item.appendChild(el("span", "sched-sev", section.getAttribute(label)));
      item.appendChild(el("span", "sched-msg", v.message));
      var source = el("span", "sched-source", section.getAttribute("data-source") + " ");
      source.appendChild(el("cite", "", v.source));
      item.appendChild(source);
      if (v.dates && v.dates.length) {
        item.appendChild(el("span", "sched-dates", section.getAttribute("data-days") + " " + v.dates.join(", ")));
      }
      list.appendChild(item);
    });
    result.appendChild(list);
  }

  function renderError(json) {
    result.textContent = "";
    var messages = [json.message || section.getAttribute("data-failed")];
    Object.keys(json.fields || {}).forEach(function (name) {
      [].concat(json.fields[name]).forEach(function (m) { if (typeof m === "string") messages.push(m); });
    });
    var list = el("ul", "errors");
    messages.forEach(function (m) { list.appendChild(el("li", "", m)); });
    result.appendChild(list);
  }

  function check() {
    var b = body();
    if (!b) return;
    var mine = ++sequence;
    section.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("data-check-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(b)
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (answer) {
      if (mine !== sequence) return;  // a newer check is on its way
      if (answer.ok) render(answer.json); else renderError(answer.json);
    }).catch(function () {
      if (mine === sequence) renderError({});
    }).then(function () { section.removeAttribute("aria-busy"); });
  }

  function scheduleCheck() {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }

  form.addEventListener("change", function () { toggle(); scheduleCheck(); });
  form.addEventListener("input", scheduleCheck);
  var checkButton = section.querySelector('button[value="check"]');
  if (checkButton) {
    checkButton.addEventListener("click", function (event) { event.preventDefault(); check(); });
  }
  toggle();
  scheduleCheck();
})();
