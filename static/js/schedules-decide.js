// Decision forms (the request's page and the approval queue): a second tap while the first
// submission is on its way is ignored, so a double tap sends one decision. The server answers a
// repeat that still gets through with 409 and writes nothing.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-once")) return;
    if (form.getAttribute("data-sent") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "1");
    form.setAttribute("aria-busy", "true");
  });
  // Coming back to the page (the browser's back button) makes the form usable again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-once]"), function (form) {
      form.removeAttribute("data-sent");
      form.removeAttribute("aria-busy");
    });
  });
  // A refused decision: the error summary takes the focus, so it is read out first.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
