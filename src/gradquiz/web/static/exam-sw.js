// The exam's service worker (served at /exam-sw.js, scope /attempts/): with the network gone,
// an attempt's question and review pages come from the copies exam-offline.js stored on the
// device when the attempt started. Only attempts with such a copy are served from it; their
// result pages never are (a result holds keys), and nothing is kept once the page that stored
// it deletes its cache (at submit, grading, sign-out, or a day after the deadline).
/* global importScripts, workbox */
importScripts("__WORKBOX_SW__");
workbox.setConfig({ modulePathPrefix: "__WORKBOX_MODULES__", debug: false });
// Workbox loads its modules on first use, which a worker may only do while it starts.
var routing = workbox.routing;
var strategies = workbox.strategies;
workbox.core.clientsClaim();
self.skipWaiting();

var PAGE = /^\/attempts\/([0-9a-f]{1,64})\/(questions\/[0-9]{1,3}|review)$/;
var cacheName = function (attemptId) { return "gradquiz-attempt-" + attemptId; };

// Only a page as the server drew it is kept: never a redirect (to a result, say) nor an error.
var freshPagesOnly = {
  cacheWillUpdate: function (details) {
    var response = details.response;
    var fresh = response && response.status === 200 && response.type === "basic" && !response.redirected;
    return Promise.resolve(fresh ? response : null);
  }
};

routing.registerRoute(
  function (details) {
    return details.request.mode === "navigate" && details.url.origin === self.location.origin &&
      PAGE.test(details.url.pathname);
  },
  function (details) {
    var name = cacheName(details.url.pathname.match(PAGE)[1]);
    return caches.has(name).then(function (kept) {
      if (!kept) { return fetch(details.request); }
      // The server's page while it answers (kept up to date on the device), else the copy.
      var strategy = new strategies.NetworkFirst({
        cacheName: name,
        networkTimeoutSeconds: 5,
        plugins: [freshPagesOnly],
        matchOptions: { ignoreSearch: true }
      });
      return strategy.handle(details);
    });
  }
);

// A result page is never kept (it holds the keys), but on a network that drops requests the
// way to it is tried three times before the browser shows its own error.
var RESULT = /^\/attempts\/[0-9a-f]{1,64}\/result$/;
var tryAgain = function (request, left) {
  return fetch(request).catch(function (error) {
    if (left <= 1) { throw error; }
    return new Promise(function (resolve) { setTimeout(resolve, 400); }).then(function () {
      return tryAgain(request, left - 1);
    });
  });
};
routing.registerRoute(
  function (details) {
    return details.request.mode === "navigate" && details.url.origin === self.location.origin &&
      RESULT.test(details.url.pathname);
  },
  function (details) { return tryAgain(details.request, 3); }
);

// Style sheets, scripts and fonts a stored page needs: the device's copy if there is one.
routing.registerRoute(
  function (details) {
    return details.url.origin === self.location.origin && details.url.pathname.indexOf("/static/") === 0;
  },
  function (details) {
    return caches.match(details.request).then(function (kept) { return kept || fetch(details.request); });
  }
);
