// An exam kept on this device, so a lost connection loses nothing (loaded on every page).
//
// Every choice is written to IndexedDB (through idb-keyval) with its seq before it is sent;
// the newest choice of each question waits there until the server has it, survives a
// reload, a closed tab and a browser restart, and is sent in the order it was made when the
// network returns (the server's seq rule keeps the newest). A submit made offline waits the
// same way and is sent once, after the answers. Question and review pages are kept in Cache
// Storage for the service worker (exam-sw.js) to show offline. What is kept for an attempt
// is deleted when it is submitted or graded, on sign-out, and a day after its deadline; it
// never holds a key, feedback or explanation (an open attempt's pages have none).
(function () {
  "use strict";

  var DAY_MS = 24 * 60 * 60 * 1000;
  var RETRY_MS = 1500;

  // idb-keyval where IndexedDB works; else the page's memory (nothing survives a reload).
  var memoryStore = function () {
    var data = new Map();
    return {
      get: function (k) { return Promise.resolve(data.get(k)); },
      set: function (k, v) { data.set(k, v); return Promise.resolve(); },
      update: function (k, fn) { data.set(k, fn(data.get(k))); return Promise.resolve(); },
      keys: function () { return Promise.resolve(Array.from(data.keys())); },
      getMany: function (ks) { return Promise.resolve(ks.map(function (k) { return data.get(k); })); },
      delMany: function (ks) { ks.forEach(function (k) { data.delete(k); }); return Promise.resolve(); }
    };
  };
  var kv = window.idbKeyval && window.indexedDB ? window.idbKeyval : memoryStore();

  var DROPPED = "/exam-network-dropped";  // shown by the service worker for a dropped page
  var key = function (id, part) { return "gq:" + id + ":" + part; };
  var cacheName = function (id) { return "gradquiz-attempt-" + id; };
  var api = function (id, rest) { return "/api/v1/attempts/" + encodeURIComponent(id) + rest; };
  var listeners = [];
  var lastOrder = 0;
  var state = {};  // per attempt: {offline, flushing, again, retry}

  var stateOf = function (id) {
    if (!state[id]) { state[id] = { offline: !navigator.onLine }; }
    return state[id];
  };
  var keysOf = function (id, part) {
    var prefix = key(id, part);
    return kv.keys().then(function (keys) {
      return keys.filter(function (k) { return typeof k === "string" && k.indexOf(prefix) === 0; });
    });
  };
  var records = function (id) {
    return keysOf(id, "q:").then(kv.getMany).then(function (found) {
      return found.filter(Boolean).sort(function (a, b) { return a.order - b.order; });
    });
  };
  var keptAttempts = function () {
    return kv.keys().then(function (keys) {
      return keys.filter(function (k) { return typeof k === "string" && /^gq:[0-9a-f]+:meta$/.test(k); })
        .map(function (k) { return k.split(":")[1]; });
    });
  };

  var tell = function (id, change) {
    return Promise.all([records(id), kv.get(key(id, "meta")), kv.get(key(id, "submit"))]).then(function (found) {
      var report = {
        attempt: id,
        records: found[0],
        unsent: found[0].filter(function (r) { return !r.sent; }).length,
        meta: found[1] || null,
        submitPending: Boolean(found[2]),
        offline: stateOf(id).offline,
        message: stateOf(id).closed || null,
        change: change || null
      };
      listeners.forEach(function (listener) { listener(report); });
      return report;
    });
  };

  // Everything kept for the attempt goes: its answers, its pages, its pending submit.
  var forget = function (id) {
    return keysOf(id, "").then(kv.delMany).then(function () {
      return "caches" in window ? caches.delete(cacheName(id)) : false;
    });
  };
  var forgetAll = function () {
    return keptAttempts().then(function (ids) { return Promise.all(ids.map(forget)); }).then(function () {
      if (!("caches" in window)) { return null; }
      return caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n.indexOf("gradquiz-attempt-") === 0; })
          .map(function (n) { return caches.delete(n); }));
      });
    });
  };

  var request = function (method, url, body) {
    var options = {
      method: method,
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    };
    if (body) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  };

  var markSent = function (id, record, reply) {
    return kv.update(key(id, "q:" + record.number), function (held) {
      if (!held || held.seq !== record.seq) { return held; }  // a newer choice waits to be sent
      var sent = Object.assign({}, held, { sent: true });
      if (reply) { sent.server = { option: reply.option, marked: reply.marked, seq: reply.seq }; }
      return sent;
    }).then(function () {
      if (!reply) { return null; }
      return kv.update(key(id, "meta"), function (meta) {
        return meta ? Object.assign({}, meta, { lastServerSave: reply.saved_at }) : meta;
      });
    });
  };

  // One save on its way to the server; the same save asked for again while it is on its way
  // waits for that request rather than sending it twice. Resolves to whether the attempt
  // has closed (409); rejects when the network (or the server, for now) failed.
  var inFlight = {};
  var send = function (id, record) {
    var name = id + ":" + record.number + ":" + record.seq;
    if (inFlight[name]) { return inFlight[name]; }
    var body = { option: record.option, marked: record.marked, seq: record.seq, device_time: record.deviceTime };
    // Only what still waits: a drain that read the queue before an earlier request came
    // back, or a choice made again meanwhile, sends nothing.
    var sending = kv.get(key(id, "q:" + record.number)).then(function (held) {
      if (!held || held.sent || held.seq !== record.seq) { return null; }
      return request("PUT", api(id, "/answers/" + record.number), body);
    }).then(function (reply) {
      if (reply === null) { return false; }
      if (reply.ok) { return markSent(id, record, reply.data).then(function () { return false; }); }
      if (reply.status === 409) {
        // Closed: its time ran out (the server keeps the save as late) or it was submitted.
        stateOf(id).closed = (reply.data.error && reply.data.error.message) || "This attempt has closed.";
        return markSent(id, record, null).then(function () { return true; });
      }
      if (reply.status >= 500 || reply.status === 429 || reply.status === 408) { throw new Error("retry"); }
      // Refused for good (not this browser's attempt any more, say): nothing to wait for.
      return markSent(id, record, null).then(function () { return false; });
    });
    inFlight[name] = sending;
    var done = function () { delete inFlight[name]; };
    sending.then(done, done);
    return sending;
  };

  // Send what waits, oldest first, one at a time, then a pending submit. Stops at the first
  // failure of the network and tries again later; a 409 means the attempt has closed.
  var drain = function (id) {
    var closed = false;
    var sendNext = function (queue) {
      if (!queue.length) { return Promise.resolve("sent"); }
      return send(id, queue[0]).then(function (isClosed) {
        closed = closed || isClosed;
        return sendNext(queue.slice(1));
      });
    };
    return records(id).then(function (all) {
      return sendNext(all.filter(function (r) { return !r.sent; }));
    }).then(function () {
      return kv.get(key(id, "submit"));
    }).then(function (pending) {
      if (closed || stateOf(id).closed) { return "closed"; }
      if (!pending) { return "sent"; }
      return request("POST", api(id, "/submit")).then(function (reply) {
        if (reply.ok || reply.status === 409 || reply.status === 404) { return "submitted"; }
        throw new Error("retry");
      });
    }).then(function (outcome) {
      stateOf(id).offline = false;
      if (outcome === "sent") { return tell(id, "sent"); }
      return forget(id).then(function () { return tell(id, outcome); });
    }, function () {
      stateOf(id).offline = true;
      return tell(id, "waiting").then(function () { later(id); });
    });
  };

  var later = function (id) {
    var s = stateOf(id);
    window.clearTimeout(s.retry);
    s.retry = window.setTimeout(function () { flush(id); }, RETRY_MS);
  };

  // One drain at a time per attempt, in this tab and (with Web Locks) across tabs.
  var flush = function (id) {
    var s = stateOf(id);
    if (s.flushing) { s.again = true; return s.flushing; }
    var job = function () { return drain(id); };
    var run = navigator.locks ? navigator.locks.request("gradquiz-attempt-" + id, job) : job();
    s.flushing = run.then(function () {
      s.flushing = null;
      if (s.again) { s.again = false; return flush(id); }
      return null;
    });
    return s.flushing;
  };

  // The newest choice of question `number`, kept before it is sent; resolves, once it is
  // written (its IndexedDB transaction complete), to the record kept. The device gives the
  // seq: one past any it holds for the question, never below the page's (`choice.seq`). A
  // page shown from the device was drawn with the seq of its time, and a choice made on it
  // before it has read the device would otherwise carry an older seq than the one kept,
  // and be dropped in favour of it.
  var remember = function (id, number, choice) {
    lastOrder = Math.max(Date.now(), lastOrder + 1);
    var record = null;
    return kv.update(key(id, "q:" + number), function (held) {
      var seq = choice.seq;
      if (held) { seq = Math.max(seq, held.seq + 1, held.server ? held.server.seq + 1 : 0); }
      record = {
        number: number,
        option: choice.option,
        marked: choice.marked,
        seq: seq,
        deviceTime: new Date().toISOString(),
        order: lastOrder,
        sent: false,
        server: held ? held.server : null
      };
      return record;
    }).then(function () { return tell(id, "kept"); }).then(function () {
      // Kept: the caller goes on while the choice is sent.
      if (stateOf(id).offline || !navigator.onLine) { flush(id); return record; }
      // Online, each choice goes at once, beside any still on its way (the server's seq
      // rule keeps the newest); one that fails waits for the drain, in order.
      send(id, record).then(function (isClosed) {
        return isClosed ? flush(id) : tell(id, "sent");
      }, function () {
        stateOf(id).offline = true;
        return tell(id, "waiting").then(function () { later(id); });
      });
      return record;
    });
  };

  var submitLater = function (id) {
    return kv.set(key(id, "submit"), { at: new Date().toISOString() }).then(function () {
      return tell(id, "submit-waiting");
    }).then(function () { return flush(id); });
  };

  // The attempt's pages and the files they need, kept for the service worker; resolves to
  // whether every page is kept (if not, the next page of the attempt tries again).
  var keepPages = function (id, total) {
    if (!("caches" in window)) { return Promise.resolve(true); }
    var pages = [];
    for (var n = 1; n <= total; n += 1) { pages.push("/attempts/" + id + "/questions/" + n); }
    pages.push("/attempts/" + id + "/review", DROPPED);
    var files = performance.getEntriesByType("resource").map(function (entry) { return entry.name; })
      .concat(Array.from(document.querySelectorAll("script[src], link[rel=stylesheet][href]")).map(function (el) {
        return el.src || el.href;
      }))
      .filter(function (address) {
        var url = new URL(address, location.href);
        return url.origin === location.origin && url.pathname.indexOf("/static") === 0;
      });
    return caches.open(cacheName(id)).then(function (cache) {
      var keep = function (address) {
        return fetch(address, { credentials: "same-origin" }).then(function (response) {
          // Only pages as drawn: never a redirect to a result, which holds the keys.
          if (response.ok && !response.redirected) { return cache.put(address, response).then(function () { return true; }); }
          return false;
        }).catch(function () { return false; });
      };
      // The pages one after another, so a class starting together spreads its requests.
      var inTurn = pages.reduce(function (done, address) {
        return done.then(function (allKept) {
          return keep(address).then(function (kept) { return allKept && kept; });
        });
      }, Promise.resolve(true));
      return Promise.all([inTurn].concat(files.map(keep))).then(function (kept) { return kept[0]; });
    });
  };

  // What a page of the attempt tells the device: the deadline, and the time left when the
  // server drew it. Only a page drawn just now sets the countdown: the server's time when
  // it drew the last such page, moved on by the device's clock since, says what "now" is
  // on the server, and a copy stored earlier (shown offline) was drawn well before that.
  var FRESH_MS = 5000;
  var start = function (id, page) {
    var renderedAt = Date.parse(page.deadline) - page.remaining * 1000;
    return kv.get(key(id, "meta")).then(function (meta) {
      var serverNow = meta ? meta.renderedAt + (Date.now() - meta.loadedAt) : 0;
      var fresh = !meta || renderedAt >= serverNow - FRESH_MS ||
        (page.deadline !== meta.deadline && renderedAt > meta.renderedAt);  // extra time given
      var next = Object.assign({ attempt: id, lastServerSave: null, pagesKept: false }, meta || {});
      if (fresh) {
        next.deadline = page.deadline;
        next.renderedAt = renderedAt;
        next.loadedAt = Date.now();
        next.endsAt = Date.now() + page.remaining * 1000;
      }
      return kv.set(key(id, "meta"), next).then(function () {
        if ("serviceWorker" in navigator) {
          navigator.serviceWorker.register("/exam-sw.js", { scope: "/attempts/" }).catch(function () { return null; });
        }
        // In the background: the countdown and the page do not wait for the copies.
        var kept = next.pagesKept || !navigator.onLine ? Promise.resolve() : keepPages(id, page.total).then(function (all) {
          if (!all) { return Promise.reject(new Error("not every page is kept yet")); }
          return kv.update(key(id, "meta"), function (m) { return m ? Object.assign({}, m, { pagesKept: true }) : m; });
        });
        // Said on the page once the copies are in (the browser tests wait for it).
        kept.then(function () { document.documentElement.dataset.examKept = id; }, function () { return null; });
        return next;
      });
    }).then(function (meta) { return tell(id, "started").then(function () { return meta; }); });
  };
  // On every page: forget attempts a day past their deadline, and send what waits.
  var sweep = function () {
    // The result as the server drew it (not the page shown when the network dropped it).
    var onResult = !document.getElementById("network-dropped") &&
      /^\/attempts\/([0-9a-f]+)\/result$/.exec(location.pathname);
    return keptAttempts().then(function (ids) {
      return Promise.all(ids.map(function (id) {
        return kv.get(key(id, "meta")).then(function (meta) {
          if (!meta || !meta.deadline || Date.parse(meta.deadline) + DAY_MS < Date.now()) { return forget(id); }
          // Graded: submitted (its result is on screen), or past its deadline and the
          // server's grace (a minute is more than any grace) while this device is online.
          var graded = Date.parse(meta.deadline) + 60 * 1000 < Date.now() && navigator.onLine;
          if ((onResult && onResult[1] === id) || graded) {
            // Send what still waits (kept as late if time ran out), then forget it all.
            return flush(id).then(function () {
              return records(id).then(function (left) {
                return left.some(function (r) { return !r.sent; }) ? null : forget(id);
              });
            });
          }
          return navigator.onLine ? flush(id) : null;
        });
      }));
    });
  };

  window.addEventListener("online", function () {
    keptAttempts().then(function (ids) { ids.forEach(function (id) { stateOf(id).offline = false; flush(id); }); });
  });
  window.addEventListener("offline", function () {
    keptAttempts().then(function (ids) { ids.forEach(function (id) { stateOf(id).offline = true; tell(id, "offline"); }); });
  });
  // Signing out forgets every exam kept here: the server's answer says Clear-Site-Data, and
  // the page starts on it too (without holding the sign-out up).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.action && new URL(form.action, location.href).pathname === "/account/sign-out") {
      forgetAll().catch(function () { return null; });
    }
  });

  // Until the saves on their way have come back (or `ms` passed): a page that leaves first
  // cancels them, and the next page would send again a save the server may already hold.
  var settled = function (ms) {
    var waiting = Object.keys(inFlight).map(function (name) {
      return inFlight[name].catch(function () { return null; });
    });
    var timeout = new Promise(function (resolve) { window.setTimeout(resolve, ms); });
    return Promise.race([Promise.all(waiting), timeout]);
  };

  // The page the service worker shows in place of one of an attempt's pages that the network
  // dropped (its address is the page asked for): it says what this device still holds for
  // the attempt and, every few seconds while online, sends it; once nothing waits it opens
  // the page again (a submit sent from here opens the result).
  var AGAIN_MS = 3000;
  var droppedPage = function () {
    var match = /^\/attempts\/([0-9a-f]+)\//.exec(location.pathname);
    var id = match ? match[1] : null;
    var held = document.getElementById("dropped-held");
    var when = document.getElementById("dropped-when");
    var leaving = false;
    var go = function (address) {
      if (leaving) { return; }
      leaving = true;
      location.replace(address);
    };
    var describe = function (report) {
      var text = report.submitPending ? "Your submission is saved on this device and will be sent when you are back online." :
        report.unsent ? (report.unsent === 1 ? "1 answer is" : report.unsent + " answers are") +
          " saved on this device and will be sent when you are back online." :
        "Nothing waits on this device: the server has every answer.";
      if (held.textContent !== text) { held.textContent = text; }
      when.textContent = navigator.onLine ? "in a few seconds" : "when you are back online";
      return report;
    };
    var attempt = function () {
      if (leaving || !navigator.onLine) { return; }  // back online, the "online" event tries
      var sent = id ? flush(id).then(function () { return tell(id); }) : Promise.resolve({ unsent: 0 });
      sent.then(function (report) {
        if (report.unsent || report.submitPending) { window.setTimeout(attempt, AGAIN_MS); return; }
        go(location.pathname + location.search);
      });
    };
    listeners.push(function (report) {
      if (report.attempt !== id) { return; }
      describe(report);
      if (report.change === "submitted" || report.change === "closed") { go("/attempts/" + id + "/result"); }
    });
    if (id) { tell(id); } else { describe({ unsent: 0 }); }
    window.addEventListener("online", function () { when.textContent = "in a few seconds"; attempt(); });
    window.addEventListener("offline", function () { when.textContent = "when you are back online"; });
    window.setTimeout(attempt, AGAIN_MS);
  };

  window.gradquizDevice = {
    settled: settled,
    start: start,
    remember: remember,
    flush: flush,
    submitLater: submitLater,
    forget: forget,
    records: records,
    report: tell,
    onChange: function (listener) { listeners.push(listener); }
  };
  if (document.getElementById("network-dropped")) { droppedPage(); }
  sweep();
})();
