"""What every Nansen service shares (DESIGN.md §2): the layer between the core and the roles.

The roles import it and keep only what is theirs; the core does not. Running a service with
bounded request heads (:mod:`service.serve`, :mod:`service.limits`), bounded request bodies and
JSON bodies (:mod:`service.bodies`), large JSON bodies parsed off the event loop one at a time
(:mod:`service.parsing`), problem responses (:mod:`service.problems`, RFC 9457), settings read
from the environment (:mod:`service.settings`), the files a service creates kept private
(:mod:`service.files`), Alembic helpers and what a `migrate` command says it did
(:mod:`service.migrations`), the media type an answer is served as (:mod:`service.negotiation`),
the pages' security headers and theme routes (:mod:`service.pages`), their languages
(:mod:`service.i18n`; ``nansen i18n check`` in :mod:`service.i18n_check`), the organisation's
look (:mod:`service.theme`), liveness and readiness (:mod:`service.health`), Prometheus metrics (:mod:`service.metrics`), a
lost database answered with 503 (:mod:`service.dbfaults`) and running several worker processes
(:mod:`service.workers`), an access log without identifiers (:mod:`service.access`) and the
request status and timing it and the metrics share (:mod:`service.observing`), and the application
every service starts from (:mod:`service.application`).
"""
