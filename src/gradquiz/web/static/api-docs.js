// Swagger UI for the JSON API, started from this file because the pages allow no inline script.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({
    url: target.dataset.spec,
    dom_id: "#swagger-ui",
    deepLinking: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
