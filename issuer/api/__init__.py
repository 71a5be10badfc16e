"""The HTTP interface: dependencies, routes, middleware."""
