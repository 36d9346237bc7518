// The policy page: a value beyond the regulation shows its warning while HR types, before saving
// (the server shows the same warnings after saving). On a wide screen every group starts open.
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(min-width: 48em)").matches) {
    Array.prototype.forEach.call(document.querySelectorAll("details.policy-group"), function (group) {
      group.open = true;
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-live-warning]"), function (note) {
    var input = document.getElementById(note.getAttribute("data-for"));
    if (!input) return;
    function beyond() {
      if (input.value.trim() === "") return false;
      var value = Number(input.value.replace(",", "."));
      if (isNaN(value)) return false;
      if (note.hasAttribute("data-above") && value > Number(note.getAttribute("data-above"))) return true;
      if (note.hasAttribute("data-below") && value < Number(note.getAttribute("data-below"))) return true;
      return false;
    }
    note.setAttribute("role", "status");
    input.addEventListener("input", function () { note.hidden = !beyond(); });
  });
})();
