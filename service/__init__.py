"""What every Nansen service shares (DESIGN.md §2): the layer between the core and the roles.

The roles import it; the core does not. It starts small: running a service with bounded request
heads (:mod:`service.serve`), large JSON bodies parsed off the event loop one at a time
(:mod:`service.parsing`), the files a service creates kept private (:mod:`service.files`), what a
`migrate` command says it did (:mod:`service.migrations`), the media type an answer is served
as (:mod:`service.negotiation`), liveness and readiness (:mod:`service.health`), Prometheus
metrics (:mod:`service.metrics`), a lost database answered with 503 (:mod:`service.dbfaults`) and
running several worker processes (:mod:`service.workers`).
"""
