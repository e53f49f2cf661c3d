"""The HTTP API's machinery: the request pipeline (``web``), lazy references (``lazy``),
the shared model bits (``common``), the registry of feature routes and the OpenAPI
document generated from them. The routes themselves live with their features."""
