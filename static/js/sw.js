// FlexWork's service worker. /sw.js puts self.FLEXWORK_SW = {version, offline, precache} above this.
// It pre-caches the offline page and a few static files, and shows the offline page when a page
// cannot be reached. It never caches pages, API responses or anything but a GET: pages are
// personal, and a check-in must reach the server, which records its time and place.
"use strict";
var CONFIG = self.FLEXWORK_SW || { version: "dev", offline: "/offline/", precache: ["/offline/"] };
var CACHE = "flexwork-" + CONFIG.version;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(CONFIG.precache.map(function (url) { return new Request(url, { cache: "reload" }); }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("flexwork-") === 0 && key !== CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return; // POSTs (check-ins, decisions) always go to the network
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0) return; // API answers are never cached
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.open(CACHE).then(function (cache) { return cache.match(CONFIG.offline); });
      })
    );
    return;
  }
  if (CONFIG.precache.indexOf(url.pathname) !== -1) {
    // The network first, so a changed stylesheet shows at once; the copy only when offline.
    event.respondWith(
      fetch(request).catch(function () {
        return caches.open(CACHE).then(function (cache) { return cache.match(request); });
      })
    );
  }
});
