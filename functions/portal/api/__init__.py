"""The HTTP API: request/response models, the routes table, the request pipeline, OpenAPI."""
