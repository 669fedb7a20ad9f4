// /docs and /redoc: fetch the schema (with the dashboard's token when the gateway needs one), then hand
// it to the local Swagger UI or ReDoc bundle. Swagger's "Try it out" sends the same token.
import { authFetch, authHeaders, takeTokenFromUrl } from "./auth.js";

takeTokenFromUrl();
const status = document.getElementById("docs-status");

async function main() {
  const res = await authFetch("/openapi.json");
  if (!res.ok) {
    status.textContent = `加载接口说明失败：HTTP ${res.status}`;
    return;
  }
  const spec = await res.json();
  status.textContent = "";
  const swagger = document.getElementById("swagger-ui");
  if (swagger && window.SwaggerUIBundle) {
    window.SwaggerUIBundle({
      spec,
      domNode: swagger,
      deepLinking: true,
      docExpansion: "list",
      defaultModelsExpandDepth: 0,
      tryItOutEnabled: false,
      requestInterceptor: (req) => {
        Object.assign(req.headers, authHeaders());
        return req;
      },
      presets: [window.SwaggerUIBundle.presets.apis],
    });
  }
  const redoc = document.getElementById("redoc");
  if (redoc && window.Redoc) {
    window.Redoc.init(spec, { hideDownloadButton: false, expandResponses: "200,201" }, redoc);
  }
}

main().catch((err) => {
  status.textContent = `加载接口说明失败：${err}`;
});
