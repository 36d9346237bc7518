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
