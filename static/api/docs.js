// Swagger UI for /api/docs/: a static file, so the portal's CSP (no inline script) holds.
"use strict";
window.addEventListener("load", function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    // Session requests that write need the CSRF token; token requests ignore it.
    requestInterceptor: function (request) {
      request.headers["X-CSRFToken"] = node.dataset.csrfToken;
      return request;
    },
  });
});
