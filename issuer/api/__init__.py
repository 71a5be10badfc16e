"""The HTTP interface: dependencies and routes (the access log is every service's: `service.access`)."""
