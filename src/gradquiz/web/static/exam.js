// Enhancements for the exam pages. Without this file every action still works as a form post.
(function () {
  "use strict";

  // Countdown: counts from the server's remaining time, so the browser's clock never matters.
  var timer = document.querySelector(".timer[data-remaining]");
  if (timer) {
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
    // exists after it.
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
        if (when) { when.textContent = seconds > 0 ? "in " + seconds + (seconds === 1 ? " second" : " seconds") : "now"; }
        if (seconds > 0) { window.setTimeout(show, 1000); }
      };
      show();
      if (box) { box.hidden = false; }
      announcer.textContent = "Time is up. Your saved answers are being submitted; nothing more can be changed.";
      window.setTimeout(function () {
        window.location.href = "/attempts/" + timer.dataset.attempt + "/result";
      }, wait * 1000);
    };
    var started = Number(timer.dataset.remaining);
    announceAt.forEach(function (mark) { if (mark >= started) { announced[mark] = true; } });
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
    tick();
  }

  // Autosave: every change is sent at once in the background. Each save of a question carries
  // a higher sequence number than the last, so the server drops one that arrives late.
  var form = document.getElementById("answer-form");
  if (!form) { return; }
  var status = document.getElementById("save-status");
  var seqInput = document.getElementById("seq");
  var attemptId = form.dataset.attempt;
  var number = form.dataset.number;
  var url = "/api/v1/attempts/" + encodeURIComponent(attemptId) + "/answers/" + encodeURIComponent(number);
  var nextSeq = Number(seqInput.value);
  var latest = null;
  var retryTimer = null;

  var current = function () {
    var chosen = form.querySelector('input[name="option"]:checked');
    return { option: chosen ? chosen.value : null, marked: form.querySelector("#marked").checked };
  };
  var show = function (text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  };
  var showHeld = function (held) {
    // The server holds a newer answer than this page (saved from another window): show it.
    form.querySelectorAll('input[name="option"]').forEach(function (input) {
      input.checked = input.value === held.option;
    });
    form.querySelector("#marked").checked = held.marked;
  };
  var updatePalette = function (held) {
    var cell = document.querySelector('.palette .cell[data-number="' + number + '"]');
    if (cell) {
      cell.classList.toggle("answered", Boolean(held.option));
      cell.classList.toggle("unanswered", !held.option);
      cell.classList.toggle("marked", held.marked);
      cell.setAttribute("aria-label", "Question " + number + ", " + (held.option ? "answered" : "not answered") +
        (held.marked ? ", marked for review" : ""));
    }
    var total = document.querySelectorAll(".palette .cell[data-number]").length;
    var marked = document.querySelectorAll(".palette .cell.marked[data-number]").length;
    var text = document.getElementById("progress-text");
    if (text) {
      text.textContent = held.answered + " of " + total + " answered" + (marked ? ", " + marked + " marked for review" : "");
    }
    var bar = document.querySelector(".palette .progress span");
    if (bar) { bar.style.width = Math.round(100 * held.answered / total) + "%"; }
  };
  var send = function (body) {
    latest = body;
    window.clearTimeout(retryTimer);
    show("Saving…");
    fetch(url, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
    }).then(function (reply) {
      if (latest !== body) { return; }  // a later change is on its way; its reply decides
      if (reply.ok) {
        var held = reply.data;
        if (!held.applied) {
          showHeld(held);
          nextSeq = Math.max(nextSeq, held.seq + 1);
        }
        seqInput.value = held.seq;
        show(held.option ? "Answer " + held.option + " saved." : "No answer chosen; saved.");
        updatePalette(held);
      } else if (reply.status === 409) {
        show(reply.data.error.message, true);
        window.setTimeout(function () { window.location.href = "/attempts/" + attemptId + "/result"; }, 2500);
      } else {
        show(reply.data.error ? reply.data.error.message : "Not saved.", true);
      }
    }).catch(function () {
      if (latest !== body) { return; }
      show("Not saved yet: no connection. Retrying…", true);
      retryTimer = window.setTimeout(function () { send(body); }, 3000);
    });
  };
  var save = function () {
    var body = current();
    body.seq = nextSeq;
    nextSeq += 1;
    seqInput.value = body.seq;
    send(body);
  };
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
})();
