// The leave request form (templates/attendance/requests.html). It works without this script (every
// field shows, "Show my balance for these days" posts the form and answers the page with the balance
// before and after); the script only improves it:
// - a field that only some leave kinds need (`data-show-for`) shows for those kinds only;
// - for annual leave, the balance before and after the chosen days is fetched from /leave/preview/
//   (HTML, writes nothing) whenever the kind or a date changes.
(function () {
  "use strict";

  var form = document.getElementById("leave-form");
  if (!form) return;
  var kind = form.querySelector('select[name="leave-kind"]');
  var result = document.getElementById("leave-preview-result");
  var button = form.querySelector("[data-preview-button]");
  var balanceKinds = (form.getAttribute("data-balance-kinds") || "").split(" ");
  if (button) button.hidden = true;

  function csrf() {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function toggle() {
    var chosen = kind ? kind.value : "";
    form.querySelectorAll("[data-show-for]").forEach(function (el) {
      // A field with an error stays in view whatever is chosen.
      var wanted = el.getAttribute("data-show-for").split(" ").indexOf(chosen) !== -1;
      el.hidden = !wanted && !el.querySelector(".error");
    });
  }

  var sequence = 0;
  var timer = null;
  function check() {
    if (!result || !kind || balanceKinds.indexOf(kind.value) === -1) return;
    var mine = ++sequence;
    var data = new FormData();
    ["leave-kind", "leave-date_from", "leave-date_to", "leave-sub_reason"].forEach(function (name) {
      var field = form.querySelector('[name="' + name + '"]');
      data.append(name, field ? field.value : "");
    });
    result.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }, body: data
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (mine !== sequence || html === null) return;
      result.innerHTML = html;
    }).catch(function () { /* the button-less page still sends the request; the server checks it */ })
      .then(function () { if (mine === sequence) result.removeAttribute("aria-busy"); });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  }

  form.addEventListener("change", function (event) {
    if (event.target === kind) toggle();
    if (/^leave-(kind|date_from|date_to|sub_reason)$/.test(event.target.name || "")) later();
  });
  toggle();
  check();
})();
