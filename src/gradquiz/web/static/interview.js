// Interview practice: warn before leaving the page with ticks that were not saved.
(function () {
  "use strict";
  var form = document.getElementById("points-form");
  if (!form) { return; }
  var saved = new FormData(form);
  var snapshot = function (data) { return JSON.stringify(data.getAll("covered")); };
  var original = snapshot(saved);
  var dirty = function () { return snapshot(new FormData(form)) !== original; };
  var submitting = false;
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && dirty()) {
      event.preventDefault();
      event.returnValue = form.dataset.unsaved;  // older browsers show their own text anyway
    }
  });
})();
