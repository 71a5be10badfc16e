"""SD-JWT VC in the core: issue, present, verify, and every refusal of RFC 9901 §7 with its message."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from nansen.did.resolver import Resolver
from nansen.sdjwt import (
    ClaimsError,
    DisclosureError,
    IssuerKeyError,
    KeyBinding,
    KeyBindingError,
    SdJwtError,
    SdJwtFormatError,
    SignatureError,
    jose,
    present,
    read,
    select,
    serialization,
    verify,
)
from nansen.sdjwt import issuer_key as issuer_keys
from nansen.sdjwt.disclosures import conceal, reveal
from nansen.sdjwt.encoding import b64encode, digest, json_bytes
from nansen.sdjwt.identity import VCT, disclosable_claims
from tests.sdjwt.support import (
    AUDIENCE,
    FACTS,
    HOLDER,
    ISSUER,
    NONCE,
    NOW,
    SKEW,
    STRANGER,
    THREE,
    bind_raw,
    decode_disclosure,
    disclosure,
    identity_sd_jwt,
    resign,
)


def expect_binding(nonce: str | None = NONCE, audience: str | None = AUDIENCE) -> KeyBinding:
    return KeyBinding(nonce, audience, NOW, SKEW)


def verified(text: str, binding: KeyBinding | None = None) -> Any:
    return verify(
        text,
        issuer_key=lambda sd: issuer_keys.resolve(sd, Resolver()),
        key_binding=binding if binding is not None else expect_binding(),
    )


def presented(text: str | None = None, disclose: list[tuple[str | int, ...]] | None = None) -> str:
    return present(
        text or identity_sd_jwt(),
        THREE if disclose is None else disclose,
        HOLDER.jwk,
        nonce=NONCE,
        audience=AUDIENCE,
        issued_at=NOW,
    )


def test_a_presentation_discloses_only_the_claims_chosen() -> None:
    result = verified(presented())
    assert {k: result.claims[k] for k in ("givenName", "familyName", "birthDate")} == {
        "givenName": "Amina",
        "familyName": "Karimi",
        "birthDate": "1990-01-01",
    }
    for hidden in ("birthPlace", "documentNumber", "nationality"):
        assert hidden not in result.claims
        assert hidden not in presented()
    assert result.claims["vct"] == VCT
    assert "_sd" not in result.claims
    assert "_sd_alg" not in result.claims
    # 7 facts concealed + 2 decoys; 3 disclosed.
    assert result.revealed.undisclosed_digests == 6


def test_issued_token_has_the_registered_shape() -> None:
    token = identity_sd_jwt()
    parts = serialization.split(token)
    jwt = jose.read(parts.issuer_jwt, "issuer-signed JWT")
    assert jwt.header == {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": ISSUER.signer.kid}
    assert jwt.claims["iss"] == ISSUER.did
    assert jwt.claims["_sd_alg"] == "sha-256"
    assert jwt.claims["cnf"]["jwk"] == jose.public_members(HOLDER.jwk)
    assert "sub" not in jwt.claims
    assert len(jwt.claims["_sd"]) == len(FACTS) + 2
    assert jwt.claims["_sd"] == sorted(jwt.claims["_sd"])
    assert token.endswith("~")
    assert parts.key_binding_jwt is None
    for encoded in parts.disclosures:
        salt, name, value = decode_disclosure(encoded)
        assert FACTS[name] == value
        assert len(salt) == 22  # 128 bits in base64url
        assert json.dumps(value) not in parts.issuer_jwt


def test_the_type_metadata_lists_every_fact_as_disclosable() -> None:
    assert set(FACTS) <= set(disclosable_claims(VCT))
    assert "documentType" not in disclosable_claims(VCT)


def test_nested_and_array_disclosures_round_trip() -> None:
    claims = {"address": {"locality": "Herat", "country": "AF"}, "nationalities": ["AF", "IR"]}
    concealed = conceal(
        claims, [("address",), ("address", "locality"), ("nationalities", 1)], "sha-256", decoys=1
    )
    payload = concealed.payload
    assert "address" not in payload
    assert len(payload["_sd"]) == 2
    assert payload["nationalities"][0] == "AF"
    assert set(payload["nationalities"][1]) == {"..."}
    everything = reveal(payload, [d.encoded for d in concealed.disclosures], "sha-256", 64)
    assert everything.claims == claims
    # The outer disclosure alone shows the country, not the locality concealed inside it.
    outer = next(d for d in concealed.disclosures if d.name == "address")
    partial = reveal(payload, [outer.encoded], "sha-256", 64)
    assert partial.claims == {"address": {"country": "AF"}, "nationalities": ["AF"]}


def test_es256_holder_key_binds_a_presentation() -> None:
    from jwcrypto import jwk

    from nansen.sdjwt import issue

    holder = jwk.JWK.generate(kty="EC", crv="P-256")
    token = issue(
        {"givenName": "Amina"},
        vct=VCT,
        signer=ISSUER.signer,
        holder_key=holder,
        disclosable=[("givenName",)],
        issued_at=NOW,
    )
    shown = present(token, [("givenName",)], holder, nonce=NONCE, audience=AUDIENCE, issued_at=NOW)
    assert jose.read(serialization.split(shown).key_binding_jwt or "", "kb").header["alg"] == "ES256"
    assert verified(shown).claims["givenName"] == "Amina"


# --- Refusals: each sends the attack and checks the refusal and its message. ---


def test_a_disclosure_whose_digest_is_not_in_sd_is_refused() -> None:
    forged = disclosure("c2FsdHNhbHRzYWx0c2FsdA", "nationality", "FR")
    text = presented()
    parts = serialization.split(select(identity_sd_jwt(), THREE))
    attack = bind_raw(serialization.join(parts.issuer_jwt, [*parts.disclosures, forged]), HOLDER.jwk)
    assert text != attack
    with pytest.raises(DisclosureError, match="not referenced by any digest"):
        verified(attack)


def test_a_digest_listed_twice_is_refused() -> None:
    def twice(claims: dict[str, Any]) -> None:
        claims["_sd"] = [*claims["_sd"], claims["_sd"][0]]

    with pytest.raises(DisclosureError, match="digest appears more than once"):
        read(resign(identity_sd_jwt(), twice))


def test_a_digest_listed_in_two_places_is_refused() -> None:
    def nested(claims: dict[str, Any]) -> None:
        claims["extra"] = {"_sd": [claims["_sd"][0]]}

    with pytest.raises(DisclosureError, match="digest appears more than once"):
        read(resign(identity_sd_jwt(), nested))


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_a_disclosure_for_a_reserved_claim_name_is_refused(name: str) -> None:
    bad = disclosure("c2FsdHNhbHRzYWx0c2FsdA", name, ["x"])

    def add(claims: dict[str, Any]) -> None:
        claims["_sd"] = sorted([*claims["_sd"], digest(bad, "sha-256")])

    parts = serialization.split(resign(identity_sd_jwt(), add))
    with pytest.raises(DisclosureError, match="reserved claim"):
        read(serialization.join(parts.issuer_jwt, [*parts.disclosures, bad]))


def test_a_disclosure_for_a_claim_already_present_is_refused() -> None:
    shadow = disclosure("c2FsdHNhbHRzYWx0c2FsdA", "iss", "did:key:z6MkAttacker")

    def add(claims: dict[str, Any]) -> None:
        claims["_sd"] = sorted([*claims["_sd"], digest(shadow, "sha-256")])

    parts = serialization.split(resign(identity_sd_jwt(), add))
    with pytest.raises(DisclosureError, match="already present"):
        read(serialization.join(parts.issuer_jwt, [*parts.disclosures, shadow]))


def test_a_repeated_disclosure_is_refused() -> None:
    parts = serialization.split(identity_sd_jwt())
    repeated = serialization.join(parts.issuer_jwt, [*parts.disclosures, parts.disclosures[0]])
    with pytest.raises(DisclosureError, match="same disclosure is given more than once"):
        read(repeated)


def test_an_array_disclosure_in_an_object_and_the_reverse_are_refused() -> None:
    element = disclosure("c2FsdHNhbHRzYWx0c2FsdA", "FR")
    prop = disclosure("c2FsdHNhbHRzYWx0c2FsdB", "nationality", "FR")
    payload = {"_sd": [digest(element, "sha-256")]}
    with pytest.raises(DisclosureError, match="array element's disclosure is referenced from an object"):
        reveal(payload, [element], "sha-256", 64)
    with pytest.raises(DisclosureError, match="object property's disclosure is referenced from an array"):
        reveal({"list": [{"...": digest(prop, "sha-256")}]}, [prop], "sha-256", 64)


def test_an_unknown_sd_alg_is_refused() -> None:
    def md5(claims: dict[str, Any]) -> None:
        claims["_sd_alg"] = "md5"

    with pytest.raises(SdJwtFormatError, match="_sd_alg"):
        read(resign(identity_sd_jwt(), md5))


def _unsigned(token: str) -> str:
    parts = serialization.split(token)
    _header, payload, _ = parts.issuer_jwt.split(".")
    none_header = b64encode(json_bytes({"alg": "none", "typ": "dc+sd-jwt"}))
    return serialization.join(f"{none_header}.{payload}.", parts.disclosures)


def test_alg_none_is_refused() -> None:
    with pytest.raises(SdJwtError):
        read(_unsigned(identity_sd_jwt()))
    parts = serialization.split(identity_sd_jwt())
    header = b64encode(json_bytes({"alg": "none", "typ": "dc+sd-jwt"}))
    payload = parts.issuer_jwt.split(".")[1]
    with pytest.raises(SignatureError, match="algorithm that is not accepted"):
        read(serialization.join(f"{header}.{payload}.c2ln", parts.disclosures))


def test_alg_none_in_the_key_binding_jwt_is_refused() -> None:
    text = select(identity_sd_jwt(), THREE)
    parts = serialization.split(text)
    sd_hash = parts.sd_hash("sha-256")
    header = b64encode(json_bytes({"alg": "none", "typ": "kb+jwt"}))
    claims = b64encode(
        json_bytes({"iat": int(NOW.timestamp()), "aud": AUDIENCE, "nonce": NONCE, "sd_hash": sd_hash})
    )
    with pytest.raises(KeyBindingError, match="algorithm that is not accepted"):
        verified(text + f"{header}.{claims}.c2ln")


def test_a_signature_by_another_key_than_the_issuers_is_refused() -> None:
    forged = resign(presented(), lambda claims: None, key=STRANGER.jwk)
    with pytest.raises(SignatureError, match="signature does not verify"):
        verified(forged)


def test_a_kid_naming_another_did_is_refused_before_resolving() -> None:
    header = {"typ": "dc+sd-jwt", "kid": STRANGER.signer.kid}
    forged = resign(presented(), lambda claims: None, key=STRANGER.jwk, header=header)
    with pytest.raises(IssuerKeyError, match="does not belong to its issuer"):
        verified(forged)


def test_a_tampered_disclosure_breaks_nothing_but_itself() -> None:
    parts = serialization.split(presented())
    salt, name, _ = decode_disclosure(parts.disclosures[0])
    tampered = disclosure(salt, name, "Someone else")
    text = serialization.join(parts.issuer_jwt, [tampered, *parts.disclosures[1:]], parts.key_binding_jwt)
    with pytest.raises(DisclosureError, match="not referenced"):
        verified(text)


def test_an_expired_token_is_refused() -> None:
    text = presented(identity_sd_jwt(issued_at=NOW - timedelta(days=400), expires_at=NOW - timedelta(days=1)))
    with pytest.raises(ClaimsError, match="expired"):
        verified(text)


def test_a_token_not_yet_valid_or_issued_in_the_future_is_refused() -> None:
    def later(claims: dict[str, Any]) -> None:
        claims["nbf"] = int((NOW + timedelta(days=1)).timestamp())

    with pytest.raises(ClaimsError, match="not valid yet"):
        verified(presented(resign(identity_sd_jwt(), later)))
    with pytest.raises(ClaimsError, match="issued in the future"):
        verified(presented(identity_sd_jwt(issued_at=NOW + timedelta(hours=1))))


def test_a_wrong_typ_is_refused() -> None:
    header = {"typ": "JWT", "kid": ISSUER.signer.kid}
    with pytest.raises(SdJwtFormatError, match="typ"):
        read(resign(identity_sd_jwt(), lambda claims: None, header=header))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: KeyBinding("another nonce", AUDIENCE, NOW, SKEW), "nonce is not the one"),
        (lambda b: KeyBinding(NONCE, "did:web:other.example", NOW, SKEW), "another verifier"),
        (lambda b: KeyBinding(NONCE, AUDIENCE, NOW + timedelta(hours=1), SKEW), "too old"),
    ],
)
def test_a_kb_jwt_for_another_nonce_audience_or_time_is_refused(
    change: Callable[[KeyBinding], KeyBinding], message: str
) -> None:
    with pytest.raises(KeyBindingError, match=message):
        verified(presented(), change(expect_binding()))


def test_a_kb_jwt_made_in_the_future_is_refused() -> None:
    text = present(
        identity_sd_jwt(),
        THREE,
        HOLDER.jwk,
        nonce=NONCE,
        audience=AUDIENCE,
        issued_at=NOW + timedelta(hours=1),
    )
    with pytest.raises(KeyBindingError, match="in the future"):
        verified(text)


def test_a_kb_jwt_with_the_wrong_sd_hash_is_refused() -> None:
    # The KB-JWT of a presentation of three claims, moved onto the same SD-JWT with two.
    three = serialization.split(presented())
    two = select(identity_sd_jwt(), THREE[:2])
    with pytest.raises(KeyBindingError, match="sd_hash"):
        verified(two + (three.key_binding_jwt or ""))


def test_a_kb_jwt_signed_by_another_key_than_cnf_is_refused() -> None:
    text = present(identity_sd_jwt(), THREE, STRANGER.jwk, nonce=NONCE, audience=AUDIENCE, issued_at=NOW)
    with pytest.raises(KeyBindingError, match="not signed by the holder's key"):
        verified(text)


def test_a_pasted_copy_without_key_binding_is_refused_where_binding_is_required() -> None:
    with pytest.raises(KeyBindingError, match="without key binding"):
        verified(select(identity_sd_jwt(), THREE))


def test_a_cnf_carrying_a_private_key_is_refused() -> None:
    def leak(claims: dict[str, Any]) -> None:
        claims["cnf"] = {"jwk": HOLDER.jwk.export_private(as_dict=True)}

    with pytest.raises(KeyBindingError, match="private key"):
        verified(presented(resign(identity_sd_jwt(), leak)))


def test_an_issuer_may_not_conceal_a_registered_claim() -> None:
    from nansen.sdjwt import issue

    with pytest.raises(DisclosureError, match="must not be selectively disclosable"):
        issue({"x": 1}, vct=VCT, signer=ISSUER.signer, holder_key=None, disclosable=[("cnf",)], issued_at=NOW)


def test_malformed_inputs_are_refused_with_a_format_error() -> None:
    for text in ["", "no separator", "a.b.c~~", "{}~", "@@@.e30.c2ln~"]:
        with pytest.raises(SdJwtError):
            read(text)


def test_a_disclosure_with_duplicate_keys_in_its_json_is_refused() -> None:
    raw = b'["c2FsdHNhbHRzYWx0c2FsdA", "a", {"k": 1, "k": 2}]'
    with pytest.raises(SdJwtFormatError, match="twice"):
        reveal({}, [b64encode(raw)], "sha-256", 64)
