"""The HTTP interface: the VC-API verifier endpoints and ``POST /scan``."""
