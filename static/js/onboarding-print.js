// The print button of the activation-code sheet (no inline handlers: the CSP forbids them).
(function () {
  "use strict";
  var button = document.getElementById("print-codes");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
