"""``nansen demo``: the whole story of DESIGN.md §1 on one laptop, driven through the roles' public
interfaces (the issuer and verifier services over HTTP on loopback, the wallet's command line).

:mod:`nansen.demo.story` tells it; :mod:`nansen.demo.cast` is how it meets each role, and
:mod:`nansen.demo.original` how the shelter opens a shared original through the verifier's pages;
:mod:`nansen.demo.roles` starts and stops the role processes; :mod:`nansen.demo.tls` makes the
run's own certificate authority, so that did:web documents and status lists are served over HTTPS
from loopback; :mod:`nansen.demo.sample_scan` draws the sample document. The core imports no role:
each runs in a process of its own.
"""
