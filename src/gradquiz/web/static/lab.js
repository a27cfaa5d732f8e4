// The lab works without this file. It adds keys for stepping the backward pass ([ and ], or
// the arrow keys when nothing that uses them has focus), keeps focus on the step button
// from one step to the next, and shows a graph's scroll hint when the graph overflows.
(function () {
  "use strict";

  // Arrow keys belong to text fields and to the boxes that scroll sideways.
  function busy(target) {
    return target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) ||
      (target.closest && target.closest(".graph-box, .table-box, pre")));
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || busy(event.target)) return;
    var rel = null;
    if (event.key === "]" || event.key === "ArrowRight") rel = "next";
    if (event.key === "[" || event.key === "ArrowLeft") rel = "prev";
    if (!rel) return;
    var link = document.querySelector('.step-controls a[rel="' + rel + '"]');
    if (link) {
      event.preventDefault();
      window.location.href = link.href;
    }
  });

  // On a narrow screen the graph scrolls in its box: bring the step's node into view.
  var current = document.querySelector(".lab-graph .node.current");
  var box = current && current.closest(".graph-box");
  if (box) {
    var node = current.getBoundingClientRect();
    var frame = box.getBoundingClientRect();
    box.scrollLeft += node.left + node.width / 2 - (frame.left + frame.width / 2);
  }

  // A graph wider than its box says so, at whatever width the screen has now (without this
  // file the hint shows for graphs wider than the box on a wide screen).
  function markOverflow() {
    document.querySelectorAll(".graph-box[data-scroll-hint]").forEach(function (scroller) {
      var hint = document.getElementById(scroller.getAttribute("data-scroll-hint"));
      if (!hint) return;
      var overflows = scroller.scrollWidth > scroller.clientWidth + 1;
      hint.hidden = !overflows;
      if (overflows) scroller.setAttribute("aria-describedby", hint.id);
      else scroller.removeAttribute("aria-describedby");
    });
  }
  markOverflow();
  window.addEventListener("resize", markOverflow);

  // After a step, focus the step button again so Enter keeps stepping.
  function focusStepButton() {
    var again = document.querySelector('.step-controls a[rel="next"]') ||
      document.querySelector('.step-controls a[rel="prev"]');
    if (again) again.focus({ preventScroll: true });
  }
  if (window.location.hash === "#backward") {
    focusStepButton();
    window.addEventListener("load", focusStepButton);  // after the browser's own fragment handling
  }
})();
