// The new class exam form: on a fresh form, choose the browser's own time zone and show the
// default window in it; name the chosen zone in the window's legend as it changes.
(function () {
  "use strict";
  var fields = document.getElementById("window-fields");
  var select = document.getElementById("time_zone");
  var named = document.getElementById("zone-named");
  if (!fields || !select || !named) { return; }

  function wallClock(date) {
    var pad = function (n) { return String(n).padStart(2, "0"); };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  if (fields.hasAttribute("data-fresh")) {
    var own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === own; });
    if (known) {
      select.value = own;
      var now = new Date();
      now.setSeconds(0, 0);
      document.getElementById("opens_at").value = wallClock(now);
      document.getElementById("closes_at").value = wallClock(new Date(now.getTime() + 86400000));
    }
  }
  named.textContent = select.value;
  select.addEventListener("change", function () { named.textContent = select.value; });
})();
