// Check page: the forms post to the page itself (it answers with a redirect to the recorded result,
// or with the early check-out question), so the page works the same whether this script runs or not.
// The script adds what only a browser can: the position, taken when a button is pressed and put in the
// form's hidden fields just before it is sent; one send per tap; and the answer brought to where the
// thumb is (focused and scrolled into view). Messages come translated from data-* attributes of #check-app.
(function () {
  "use strict";
  var app = document.getElementById("check-app");
  if (!app) return;
  var progress = document.getElementById("check-progress");

  function msg(name) {
    return app.getAttribute("data-msg-" + name) || "";
  }
  function say(text, isError) {
    if (!progress) return;
    progress.textContent = text;
    progress.className = "check-progress" + (isError ? " error" : "");
  }
  function setBusy(form, busy) {
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = busy; });
    if (busy) form.setAttribute("data-sent", "1"); else form.removeAttribute("data-sent");
  }
  function fill(form, position) {
    form.elements.latitude.value = position.coords.latitude.toFixed(6);
    form.elements.longitude.value = position.coords.longitude.toFixed(6);
    form.elements.accuracy.value = String(Math.round(position.coords.accuracy * 10) / 10);
  }
  function locateAndSend(form) {
    if (!window.isSecureContext) { say(msg("insecure"), true); return; }
    if (!navigator.geolocation) { say(msg("unsupported"), true); return; }
    setBusy(form, true);
    say(msg("locating"), false);
    navigator.geolocation.getCurrentPosition(function (position) {
      fill(form, position);
      say(msg("sending"), false);
      form.submit();  // a plain navigation: the server redirects to the result
    }, function (error) {
      setBusy(form, false);
      var name = error.code === error.PERMISSION_DENIED ? "denied" : (error.code === error.TIMEOUT ? "timeout" : "unavailable");
      say(msg(name), true);
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-once]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-sent")) { event.preventDefault(); return; }  // a second tap sends nothing
      if (form.hasAttribute("data-locate")) {
        event.preventDefault();
        locateAndSend(form);
        return;
      }
      // The confirmation already carries the position: send it once.
      form.setAttribute("data-sent", "1");
      window.setTimeout(function () { setBusy(form, true); }, 0);
    });
  });

  // The answer (or the question before an early check-out) where the thumb is.
  // The question goes to the top of the screen so that both its answers are above the phone's tab bar.
  var question = document.getElementById("check-confirm");
  var answer = question || document.getElementById("check-result");
  function bringAnswer() {
    answer.scrollIntoView({ block: question ? "start" : "center" });
    answer.focus({ preventScroll: true });
  }
  // After the page's own scripts (the menu scrolls its current tab into view on DOMContentLoaded).
  if (answer) {
    if (document.readyState === "complete") bringAnswer();
    else window.addEventListener("load", bringAnswer);
  }
  if (!window.isSecureContext) say(msg("insecure"), true);
})();
