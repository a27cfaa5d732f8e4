// Enhancements for the exam pages. Without this file every action still works as a form post.
// With it, each choice is kept on this device first (exam-offline.js) and sent from there,
// so the exam goes on through a lost connection: pages come from the device, the palette and
// the review page say which answers only this device holds, and the countdown keeps to the
// server's deadline.
(function () {
  "use strict";

  var device = window.gradquizDevice;
  var timer = document.querySelector(".timer[data-remaining]");
  if (!timer || !device) { return; }
  var attemptId = timer.dataset.attempt;
  var banner = document.getElementById("offline-banner");
  var form = document.getElementById("answer-form");
  var cells = document.querySelectorAll(".palette .cell[data-number]");
  var total = cells.length;
  var wentOffline = false;
  var finished = false;

  var plural = function (n, one, many) { return n + " " + (n === 1 ? one : many); };
  var clockTime = function (iso) { return new Date(iso).toLocaleTimeString(); };
  var toResult = function () { window.location.href = "/attempts/" + attemptId + "/result"; };

  // Countdown: to the server's deadline, as the freshest page seen on this device gave it,
  // so a page shown from the device offline counts on from where the server said.
  var valueEl = document.getElementById("timer-value");
  var announcer = document.getElementById("timer-announcer");
  var endsAt = Date.now() + Number(timer.dataset.remaining) * 1000;
  var announceAt = [1200, 900, 600, 300, 120, 60, 30];
  var announced = {};
  var format = function (s) {
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(sec).padStart(2, "0");
  };
  var speak = function (s) {
    if (s >= 60) {
      var minutes = Math.round(s / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes") + " left";
    }
    return s + " seconds left";
  };
  // At 0:00 nothing on the page can change any more: say so, lock the controls, and count
  // down to the result. Saves still in flight count during the server's grace; the result
  // exists after it. Offline, the result opens once the device is back online.
  var timeUp = function () {
    timer.classList.add("done");
    document.querySelectorAll("main input, main button, main select, main textarea, button.brand")
      .forEach(function (control) { control.disabled = true; });
    var box = document.getElementById("time-up");
    var when = document.getElementById("time-up-when");
    var wait = Number(timer.dataset.grace || 0) + 1;
    var opensAt = Date.now() + wait * 1000;
    var show = function () {
      var seconds = Math.max(0, Math.ceil((opensAt - Date.now()) / 1000));
      if (when) {
        when.textContent = !navigator.onLine ? "when you are back online" :
          seconds > 0 ? "in " + seconds + (seconds === 1 ? " second" : " seconds") : "now";
      }
      if (seconds > 0 || !navigator.onLine) { window.setTimeout(show, 1000); }
    };
    show();
    if (box) { box.hidden = false; }
    announcer.textContent = "Time is up. Your saved answers are being submitted; nothing more can be changed.";
    var open = function () {
      if (!navigator.onLine) { window.setTimeout(open, 1000); return; }
      device.flush(attemptId).then(toResult, toResult);
    };
    window.setTimeout(open, wait * 1000);
  };
  var tick = function () {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    valueEl.textContent = format(left);
    timer.classList.toggle("low", left <= 120);
    announceAt.forEach(function (mark) {
      if (left <= mark && !announced[mark]) {
        announced[mark] = true;
        announcer.textContent = speak(left);
      }
    });
    if (left === 0) {
      timeUp();
      return;
    }
    window.setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  };

  // The palette and the review list: each question as this device knows it, and whether
  // the server holds it yet.
  var paint = function (report) {
    var byNumber = {};
    report.records.forEach(function (r) { byNumber[r.number] = r; });
    var deviceOnly = 0;
    cells.forEach(function (cell) {
      var n = Number(cell.dataset.number);
      var r = byNumber[n];
      var answered = cell.classList.contains("answered");
      var marked = cell.classList.contains("marked");
      if (r && r.seq >= Number(cell.dataset.seq || 0)) {
        var held = r.server && r.server.seq > r.seq ? r.server : r;
        answered = Boolean(held.option);
        marked = Boolean(held.marked);
      }
      // Only while the network is failing: online, a save on its way is not worth a mark.
      var onDevice = Boolean(r && !r.sent && report.offline);
      deviceOnly += onDevice ? 1 : 0;
      cell.classList.toggle("answered", answered);
      cell.classList.toggle("unanswered", !answered);
      cell.classList.toggle("marked", marked);
      cell.classList.toggle("device-only", onDevice);
      cell.setAttribute("aria-label", "Question " + n + ", " + (answered ? "answered" : "not answered") +
        (marked ? ", marked for review" : "") +
        (onDevice ? ", kept only on this device" : answered ? ", saved on the server" : ""));
      var status = document.getElementById("status-" + n);
      if (status) {
        var option = r && r.seq >= Number(cell.dataset.seq || 0) ? (r.server && r.server.seq > r.seq ? r.server : r).option : status.dataset.chosen;
        status.dataset.chosen = option || "";
        status.textContent = (answered ? "Answered " + (option || "") : "Not answered") + (marked ? ", marked for review" : "") +
          (onDevice ? " · only on this device, not sent yet" : answered ? " · saved on the server" : "");
        var item = status.closest(".review-item");
        if (item) {
          item.classList.toggle("answered", answered);
          item.classList.toggle("unanswered", !answered);
          item.classList.toggle("marked", marked);
          item.classList.toggle("device-only", onDevice);
        }
      }
    });
    var legend = document.getElementById("legend-device");
    if (legend) { legend.hidden = deviceOnly === 0; }
    var answeredCount = document.querySelectorAll(".palette .cell.answered[data-number]").length;
    var markedCount = document.querySelectorAll(".palette .cell.marked[data-number]").length;
    var text = document.getElementById("progress-text");
    if (text) {
      text.textContent = answeredCount + " of " + total + " answered" + (markedCount ? ", " + markedCount + " marked for review" : "");
    }
    var bar = document.querySelector(".palette .progress span");
    if (bar) { bar.style.width = Math.round(100 * answeredCount / total) + "%"; }
    var unanswered = total - answeredCount;
    var hint = document.getElementById("unanswered-hint");
    if (hint) {
      hint.textContent = unanswered ? plural(unanswered, "question is", "questions are") + " not answered yet; you will be asked to confirm." : "All questions answered.";
    }
    return unanswered;
  };

  // "Offline: 4 answers saved on this device, they will be sent when you are back online."
  var say = function (report) {
    if (!banner) { return; }
    var n = report.unsent;
    var text = "";
    if (report.offline) {
      wentOffline = true;
      text = n ? "Offline: " + (n === 1 ? "1 answer saved on this device, it will be sent" : n + " answers saved on this device, they will be sent") + " when you are back online." :
        "Offline: every answer so far is saved on the server; new ones are kept on this device until you are back online.";
      var last = report.meta && report.meta.lastServerSave;
      text += last ? " Last saved on the server at " + clockTime(last) + "." : " Nothing saved on the server yet.";
      if (report.submitPending) { text += " Your exam will be submitted when you are back online."; }
    } else if (n) {
      text = wentOffline ? "Back online: sending " + plural(n, "answer", "answers") + " kept on this device." : "";
    } else if (wentOffline) {
      text = "Back online: every answer is saved on the server.";
    }
    if (banner.textContent !== text) { banner.textContent = text; }
    banner.classList.toggle("offline", report.offline);
  };

  // The question page: keep each change on the device, then send it.
  var status = document.getElementById("save-status");
  var seqInput = document.getElementById("seq");
  var number = form ? Number(form.dataset.number) : null;
  var nextSeq = seqInput ? Number(seqInput.value) : 0;
  var shownSeq = nextSeq - 1;  // the server's answer this page was drawn with
  var writing = Promise.resolve();
  var pending = 0;  // choices made on this page and not yet written to the device
  var touched = false;  // the learner has changed the form on this page
  var wroteSeq = 0;  // the seq of the newest choice this page wrote

  var showStatus = function (text, isError) {
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  };
  var setForm = function (held) {
    form.querySelectorAll('input[name="option"]').forEach(function (input) {
      input.checked = input.value === held.option;
    });
    form.querySelector("#marked").checked = Boolean(held.marked);
  };
  var current = function () {
    var chosen = form.querySelector('input[name="option"]:checked');
    return { option: chosen ? chosen.value : null, marked: form.querySelector("#marked").checked };
  };
  // What the device holds for this question. The form shows it only when this page has no
  // choice of its own on the way: a report read before the learner's newest choice was
  // written must not put an older one back on screen.
  var onQuestion = function (report) {
    var mine = report.records.filter(function (r) { return r.number === number; })[0];
    if (!mine || pending || mine.seq < wroteSeq) { return; }
    if (mine.server && mine.server.seq > mine.seq) {
      // The server holds a newer answer than this device (saved from another window).
      setForm(mine.server);
      nextSeq = Math.max(nextSeq, mine.server.seq + 1);
      showStatus(mine.server.option ? "Answer " + mine.server.option + " saved." : "No answer chosen; saved.");
      return;
    }
    nextSeq = Math.max(nextSeq, mine.seq + 1);
    // A page shown from the device was drawn before the choices kept since: show those.
    if (report.change === "started" && !touched && mine.seq > shownSeq) { setForm(mine); }
    if (mine.sent) {
      showStatus(mine.option ? "Answer " + mine.option + " saved." : "No answer chosen; saved.");
    } else if (report.offline) {
      showStatus((mine.option ? "Answer " + mine.option : "No answer") + " kept on this device; it will be sent when you are back online.");
    } else {
      showStatus("Saving…");
    }
  };
  // Each change is written to the device, in the order made; the device gives its seq.
  var save = function () {
    var choice = current();
    choice.seq = nextSeq;
    touched = true;
    pending += 1;
    writing = writing.then(function () {
      return device.remember(attemptId, number, choice);
    }).then(function (kept) {
      wroteSeq = kept.seq;
      nextSeq = Math.max(nextSeq, kept.seq + 1);
      seqInput.value = nextSeq;
    }, function () {
      showStatus("This choice could not be kept on this device; choose it again.", true);
    }).then(function () {
      pending -= 1;
      // Reports that came while it was being written were passed over: ask for a fresh one.
      if (!pending) { device.report(attemptId); }
    });
    return writing;
  };
  // Where a question page's button leads, as the server's form would send it.
  var destination = function (go) {
    var base = "/attempts/" + attemptId;
    if (go === "home") { return "/"; }
    if (go === "review") { return base + "/review"; }
    var target = go === "next" ? number + 1 : go === "prev" ? number - 1 : Number(go);
    if (!target || target > total) { return base + "/review"; }
    return base + "/questions/" + Math.max(target, 1);
  };
  if (form) {
    form.addEventListener("change", function (event) {
      if (event.target.name === "option" || event.target.name === "marked") { save(); }
    });
    var clear = document.getElementById("clear-answer");
    if (clear) {
      clear.addEventListener("click", function (event) {
        event.preventDefault();
        form.querySelectorAll('input[name="option"]').forEach(function (input) { input.checked = false; });
        save();
        var first = form.querySelector('input[name="option"]');
        if (first) { first.focus(); }
      });
    }
    // Leaving a question needs no server: the choice is on the device, the next page too.
    form.addEventListener("submit", function (event) {
      var go = event.submitter ? event.submitter.value : "next";
      event.preventDefault();
      if (go === "home" && !navigator.onLine) {
        showStatus("The start page needs the network; your answers are kept on this device.", true);
        return;
      }
      writing.then(function () { return device.settled(2000); }).then(function () {
        window.location.href = destination(go);
      });
    });
  }

  // The review page: an offline submit waits on the device and is sent once, after the answers.
  var submitForm = document.querySelector("form.submit-form");
  var offlineConfirm = document.getElementById("offline-confirm");
  var lastReport = null;
  var submitOffline = function () {
    device.submitLater(attemptId);
    document.querySelectorAll("form.submit-form button, #offline-confirm button").forEach(function (b) { b.disabled = true; });
  };
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      // Before the device has reported, the page as the server drew it says what is answered.
      var unanswered = lastReport ? paint(lastReport) :
        document.querySelectorAll(".palette .cell.unanswered[data-number]").length;
      var waiting = lastReport ? lastReport.unsent : 0;
      // Online with nothing waiting, the server asks about unanswered questions itself.
      if (navigator.onLine && !waiting && unanswered) { return; }
      // Otherwise the submit goes from the device, after what waits, sent until it arrives.
      event.preventDefault();
      if (unanswered && offlineConfirm) {
        document.getElementById("offline-confirm-count").textContent = plural(unanswered, "unanswered question", "unanswered questions");
        document.getElementById("offline-confirm-when").hidden = navigator.onLine;
        offlineConfirm.hidden = false;
        offlineConfirm.querySelector("button").focus();
        return;
      }
      submitOffline();
    });
  }
  if (offlineConfirm) {
    offlineConfirm.querySelector("button").addEventListener("click", submitOffline);
  }

  device.onChange(function (report) {
    if (report.attempt !== attemptId) { return; }
    lastReport = report;
    if (report.change === "closed" || report.change === "submitted") {
      if (finished) { return; }
      finished = true;
      showStatus(report.change === "closed" ? report.message || "This attempt has closed." : "Submitted. Opening your result…", report.change === "closed");
      window.setTimeout(toResult, report.change === "closed" ? 2500 : 0);
      return;
    }
    paint(report);
    say(report);
    if (form) { onQuestion(report); }
  });
  device.start(attemptId, {
    deadline: timer.dataset.deadline,
    remaining: Number(timer.dataset.remaining),
    total: total
  }).then(function (meta) {
    if (meta && meta.endsAt) { endsAt = meta.endsAt; }
    tick();
  }, tick);
})();
