// Home location: fill the form from the browser's Geolocation API. Typing the coordinates by
// hand always works; this only helps. Messages come from data-* attributes (translated).
(function () {
  "use strict";
  var button = document.getElementById("use-my-location");
  var status = document.getElementById("geo-status");
  if (!button || !status) return;
  function say(name) { status.textContent = button.getAttribute("data-msg-" + name) || ""; }
  function fill(id, value) { var input = document.getElementById(id); if (input) input.value = value; }
  button.addEventListener("click", function () {
    if (!window.isSecureContext || !navigator.geolocation) { say("insecure"); return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      // Six decimals (about 0.1 m) with the Indonesian decimal comma, as a person would type it.
      fill("id_latitude", position.coords.latitude.toFixed(6).replace(".", ","));
      fill("id_longitude", position.coords.longitude.toFixed(6).replace(".", ","));
      fill("id_accuracy_m", Math.round(position.coords.accuracy));
      say("found");
    }, function (error) {
      say(error.code === error.PERMISSION_DENIED ? "denied" : "unavailable");
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
  });
})();
