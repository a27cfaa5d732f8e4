// The exam's service worker (served at /exam-sw.js, scope /attempts/): with the network gone,
// an attempt's question and review pages come from the copies exam-offline.js stored on the
// device when the attempt started. Only attempts with such a copy are served from it; their
// result pages never are (a result holds keys), and nothing is kept once the page that stored
// it deletes its cache (at submit, grading, sign-out, or a day after the deadline).
//
// No navigation to an attempt's page ends on the browser's own error page: one the network
// drops (the copy, for a question or the review page; else after a few tries) is answered
// with the stored "This page did not arrive" page, which says what the device still holds
// and opens the page again by itself.
/* global importScripts, workbox */
importScripts("__WORKBOX_SW__");
workbox.setConfig({ modulePathPrefix: "__WORKBOX_MODULES__", debug: false });
// Workbox loads its modules on first use, which a worker may only do while it starts.
var routing = workbox.routing;
var strategies = workbox.strategies;
workbox.core.clientsClaim();
self.skipWaiting();

var PAGE = /^\/attempts\/([0-9a-f]{1,64})\/(questions\/[0-9]{1,3}|review)$/;
var RESULT = /^\/attempts\/([0-9a-f]{1,64})\/result$/;
// What a page posts: an answer (without JavaScript) or a submit; both are safe to send again
// (the server's seq rule keeps one save; a second submit finds the attempt submitted).
var POSTED = /^\/attempts\/([0-9a-f]{1,64})\/(questions\/[0-9]{1,3}|submit)$/;
var DROPPED = "__DROPPED__";
var cacheName = function (attemptId) { return "gradquiz-attempt-" + attemptId; };
var navigation = function (pattern) {
  return function (details) {
    return details.request.mode === "navigate" && details.url.origin === self.location.origin &&
      pattern.test(details.url.pathname);
  };
};
var attemptOf = function (details, pattern) { return details.url.pathname.match(pattern)[1]; };

// The stored "This page did not arrive" page (503, at the address asked for); before the
// attempt's pages are stored, a plain one that tries again every 3 seconds.
var dropped = function (attemptId) {
  return caches.match(DROPPED, { cacheName: cacheName(attemptId) }).then(function (kept) {
    if (kept) {
      return new Response(kept.body, { status: 503, statusText: "Network dropped", headers: kept.headers });
    }
    return new Response(
      '<!doctype html><html lang="en"><meta charset="utf-8"><meta http-equiv="refresh" content="3">' +
        "<title>This page did not arrive · gradquiz</title><h1>This page did not arrive</h1>" +
        "<p>The network dropped the request for it. Nothing you answered is lost. " +
        "This page tries again every 3 seconds.</p></html>",
      { status: 503, statusText: "Network dropped", headers: { "Content-Type": "text/html; charset=utf-8" } }
    );
  });
};

// A request the network drops, tried again twice before giving up.
var tryAgain = function (request, left) {
  return fetch(request.clone()).catch(function (error) {
    if (left <= 1) { throw error; }
    return new Promise(function (resolve) { setTimeout(resolve, 400); }).then(function () {
      return tryAgain(request, left - 1);
    });
  });
};

// Only a page as the server drew it is kept: never a redirect (to a result, say) nor an error.
var freshPagesOnly = {
  cacheWillUpdate: function (details) {
    var response = details.response;
    var fresh = response && response.status === 200 && response.type === "basic" && !response.redirected;
    return Promise.resolve(fresh ? response : null);
  }
};

routing.registerRoute(navigation(PAGE), function (details) {
  var id = attemptOf(details, PAGE);
  var name = cacheName(id);
  return caches.has(name).then(function (kept) {
    if (!kept) { return tryAgain(details.request, 3); }
    // The server's page while it answers (kept up to date on the device), else the copy.
    var strategy = new strategies.NetworkFirst({
      cacheName: name,
      networkTimeoutSeconds: 5,
      plugins: [freshPagesOnly],
      matchOptions: { ignoreSearch: true }
    });
    return strategy.handle(details);
  }).catch(function () { return dropped(id); });
});

// A result page is never kept (it holds the keys): tried three times, then the stored page.
routing.registerRoute(navigation(RESULT), function (details) {
  return tryAgain(details.request, 3).catch(function () { return dropped(attemptOf(details, RESULT)); });
});

// A form's post, sent again as it was; if it never gets through, the stored page (which
// opens the address again, as a plain visit: the question, or the review page for a submit).
routing.registerRoute(navigation(POSTED), function (details) {
  return tryAgain(details.request, 3).catch(function () { return dropped(attemptOf(details, POSTED)); });
}, "POST");

// Style sheets, scripts and fonts a stored page needs: the device's copy if there is one.
routing.registerRoute(
  function (details) {
    return details.url.origin === self.location.origin && details.url.pathname.indexOf("/static/") === 0;
  },
  function (details) {
    return caches.match(details.request).then(function (kept) { return kept || fetch(details.request); });
  }
);
