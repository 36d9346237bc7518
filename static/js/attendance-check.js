// Check-in page: take the browser's position only when a button is pressed, send it to the API
// with the CSRF token from <meta name="csrf-token"> and an Idempotency-Key, and say the result in
// plain words. Every message comes translated from data-* attributes of #check-app.
(function () {
  "use strict";
  var app = document.getElementById("check-app");
  if (!app) return;
  var result = document.getElementById("check-result");
  var correction = document.getElementById("check-correction");
  var buttons = app.querySelectorAll("button[data-kind]");

  function msg(name, values) {
    var text = app.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("%(" + key + ")s").join(String(values[key]));
    });
    return text;
  }
  // state: "ok", "flagged", or "" while busy.
  function show(lines, state) {
    result.hidden = false;
    result.textContent = "";
    lines.forEach(function (line) {
      if (!line) return;
      var p = document.createElement("p");
      p.textContent = line;
      result.appendChild(p);
    });
    result.className = "panel check-result" + (state ? " " + state : "");
    correction.hidden = state !== "flagged";
  }
  function busy(state) {
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = state; });
  }
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function describe(kind, body) {
    var time = (body.time || "").slice(11, 16);
    var lines = [msg(kind === "out" ? "recorded-out" : "recorded-in", { time: time })];
    var flags = body.flags || [];
    var place = (body.fence && body.fence.label) || "";
    if (body.fence && !body.fence.required) {
      lines.push(msg("nofence"));
    } else if (body.inside_fence === true) {
      lines.push(msg("inside", { distance: body.distance_m, place: place }));
    } else if (body.inside_fence === false) {
      lines.push(msg("outside", { distance: body.distance_m, place: place }));
    }
    if (flags.indexOf("POOR_ACCURACY") >= 0) lines.push(msg("poor"));
    if (flags.length) lines.push(msg("correction"));
    show(lines, flags.length > 0 ? "flagged" : "ok");
  }
  function send(kind, position) {
    show([msg("sending")], "");
    var url = app.getAttribute(kind === "out" ? "data-check-out-url" : "data-check-in-url");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrf(),
        "Idempotency-Key": newKey()
      },
      body: JSON.stringify({
        latitude: position.coords.latitude,
        longitude: position.coords.longitude,
        accuracy: position.coords.accuracy
      })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      busy(false);
      if (!answer.ok) { show([answer.body.message || msg("error")], "error"); return; }
      describe(kind, answer.body);
    }).catch(function () {
      busy(false);
      show([msg("error")], "error");
    });
  }
  function locate(kind) {
    if (!window.isSecureContext) { show([msg("insecure")], "error"); return; }
    if (!navigator.geolocation) { show([msg("unsupported")], "error"); return; }
    busy(true);
    show([msg("locating")], "");
    navigator.geolocation.getCurrentPosition(function (position) {
      send(kind, position);
    }, function (error) {
      busy(false);
      var name = error.code === error.PERMISSION_DENIED ? "denied" : (error.code === error.TIMEOUT ? "timeout" : "unavailable");
      show([msg(name)], "error");
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
  }
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () { locate(button.getAttribute("data-kind")); });
  });
  if (!window.isSecureContext) show([msg("insecure")], "error");
})();
