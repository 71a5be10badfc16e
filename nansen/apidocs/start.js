// Starts Swagger UI on the service's own OpenAPI document (nansen/apidocs): a file, not an inline
// script, so the page runs under script-src 'self'.
"use strict";
const root = document.getElementById("swagger-ui");
SwaggerUIBundle({ url: root.dataset.openapi, domNode: root, deepLinking: true });
