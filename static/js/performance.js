// Performance pages: "use the suggestion", print buttons, and period pickers that reload on change.
// No inline handlers (the CSP forbids them).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var fill = event.target.closest("[data-fill-target]");
    if (fill) {
      var input = document.getElementById(fill.getAttribute("data-fill-target"));
      if (input) {
        input.value = fill.getAttribute("data-fill-value");
        input.focus();
      }
      return;
    }
    if (event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
})();

// The indicator form: fill each period's target from the annual target and the chosen spread
// (docs/rules.md §5: evenly, cumulative, by hand, the same every period), and say whether the
// periods add up. The server applies the same rule and checks it again.
(function () {
  "use strict";
  var comma = (document.documentElement.lang || "").indexOf("id") === 0;

  function parse(text) {
    var value = (text || "").trim().replace(",", ".");
    if (value === "" || isNaN(Number(value))) return null;
    return Math.round(Number(value) * 100); // hundredths, as whole numbers
  }
  function show(hundredths) {
    var text = hundredths % 100 === 0 ? String(hundredths / 100) : (hundredths / 100).toFixed(2);
    return comma ? text.replace(".", ",") : text;
  }
  function running(total, count) {
    // The running target after each period, rounded half up to whole units for a whole target.
    var step = total % 100 === 0 ? 100 : 1;
    var units = total / step;
    var out = [];
    for (var k = 1; k <= count; k++) out.push(Math.floor((2 * units * k + count) / (2 * count)) * step);
    out[count - 1] = total;
    return out;
  }
  function shares(mode, total, count) {
    if (mode === "SAME") return Array(count).fill(total);
    var run = running(total, count);
    if (mode === "CUMULATIVE") return run;
    return run.map(function (value, i) { return value - (i ? run[i - 1] : 0); });
  }

  function setUp(form) {
    var box = form.querySelector("[data-period-targets]");
    if (!box) return;
    var inputs = Array.prototype.slice.call(box.querySelectorAll("input[name^='period_']"));
    var totalLine = box.querySelector("[data-period-total]");
    var targetMin = form.querySelector("input[name='target_min']");
    var targetMax = form.querySelector("input[name='target_max']");
    var touched = inputs.some(function (input) { return input.value.trim() !== ""; });

    function mode() {
      var checked = form.querySelector("input[name='spread']:checked");
      return checked ? checked.value : "EVEN";
    }
    function isRange() {
      var low = parse(targetMin.value), high = targetMax ? parse(targetMax.value) : null;
      return high !== null && low !== null && high !== low;
    }
    function summarise() {
      var total = parse(targetMin.value);
      if (total === null || isRange()) { totalLine.textContent = ""; return; }
      var values = inputs.map(function (input) { return parse(input.value) || 0; });
      var label, value;
      if (mode() === "CUMULATIVE") { label = box.getAttribute("data-label-last"); value = values[values.length - 1]; }
      else if (mode() === "SAME") { totalLine.textContent = ""; return; }
      else { label = box.getAttribute("data-label-sum"); value = values.reduce(function (a, b) { return a + b; }, 0); }
      totalLine.textContent = label + ": " + show(value) + " / " + box.getAttribute("data-label-of") + " " + show(total);
      totalLine.classList.toggle("error", value !== total);
    }
    function fill(force) {
      var total = parse(targetMin.value);
      var range = isRange();
      inputs.forEach(function (input) { input.disabled = range; });
      if (range) { inputs.forEach(function (input) { input.value = ""; }); summarise(); return; }
      if (total === null || (mode() === "MANUAL" && touched && !force)) { summarise(); return; }
      shares(mode(), total, inputs.length).forEach(function (value, i) { inputs[i].value = show(value); });
      summarise();
    }

    form.addEventListener("input", function (event) {
      if (inputs.indexOf(event.target) >= 0) { touched = true; summarise(); return; }
      if (event.target === targetMin || event.target === targetMax) fill(true);
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "spread") fill(false);
    });
    if (!touched) fill(true); else summarise();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.perf-indicator-form"), setUp);
})();
