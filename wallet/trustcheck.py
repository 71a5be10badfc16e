"""Before presenting to a verifier that names itself (a DID), look it up on the network's trust list
(:mod:`nansen.trust`, the governance's signed list, kept fresh and offline by `TrustListSource`).

A verifier on the list is a registered shelter or authority; one that is not, or that cannot be
checked, is worth a warning: the holder is about to show, and perhaps share, an identity document.
"""

from __future__ import annotations

from dataclasses import dataclass

from nansen.trust import TrustListSource


@dataclass(frozen=True)
class Standing:
    #: True: on the list; False: not on it; None: it could not be checked.
    listed: bool | None
    message: str


def standing(verifier_did: str, source: TrustListSource | None) -> Standing:
    if source is None:
        return Standing(None, "No trust list is configured, so this verifier could not be checked.")
    snapshot = source.current()
    if snapshot is None:
        return Standing(None, "The trust list could not be obtained, so this verifier could not be checked.")
    entry = snapshot.trust_list.find(verifier_did)
    moment = source.verifier.clock()
    if entry is None or not entry.trusted_at(moment, source.verifier.skew):
        return Standing(
            False, "This verifier is not on the trust list: it is not a registered shelter or authority."
        )
    return Standing(True, f"The verifier is {entry.name}, on the trust list.")
