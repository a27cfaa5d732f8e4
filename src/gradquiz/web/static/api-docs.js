// Swagger UI for the JSON API, started from this file because the pages allow no inline script.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || !window.SwaggerUIBundle) { return; }
  // The page has its own heading and introduction; Swagger's would put a second h1 before
  // the operations' h3 headings (axe: heading-order).
  var withoutInfo = function () {
    return { wrapComponents: { InfoContainer: function () { return function () { return null; }; } } };
  };
  window.SwaggerUIBundle({
    url: target.dataset.spec,
    dom_id: "#swagger-ui",
    deepLinking: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    plugins: [withoutInfo],
    layout: "BaseLayout"
  });
})();
