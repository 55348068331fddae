"""Settings fail fast on bad configuration; tokens are verified into principals."""

from __future__ import annotations

import os
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.common.auth import (
    AuthenticationFailed,
    Principal,
    TokenVerifier,
    issue_token,
    principal_for,
)
from services.common.config import ServiceSettings, load_settings
from services.common.rights import CONTRACT_AMOUNT, DEFAULT_ROLE_RIGHTS, PII
from services.customer.config import CustomerSettings

SECRET = "a-test-secret-of-at-least-32-characters"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test sets: nothing from the shell running the tests."""
    for name in list(os.environ):
        if name.startswith("CALLOPS_"):
            monkeypatch.delenv(name)


def hs_settings(**overrides: object) -> ServiceSettings:
    return ServiceSettings(jwt_secret=SECRET, **overrides)  # type: ignore[arg-type]


# --- settings -------------------------------------------------------------------------------


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLOPS_JWT_SECRET", SECRET)
    monkeypatch.setenv("CALLOPS_GRPC_PORT", "50099")
    monkeypatch.setenv("CALLOPS_EVENT_ROUTES", '{"customer.*": ["alerts"]}')
    settings = load_settings(ServiceSettings)
    assert settings.jwt_secret is not None
    assert settings.jwt_secret.get_secret_value() == SECRET
    assert SECRET not in repr(settings)  # a secret is never printed
    assert settings.grpc_port == 50099
    assert settings.event_routes == {"customer.*": ["alerts"]}
    assert settings.role_rights == dict(DEFAULT_ROLE_RIGHTS)
    assert settings.database_url_or_default() == "sqlite:///var/callops.db"


def test_missing_secret_stops_the_process(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        load_settings(ServiceSettings)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("callops: invalid configuration\n")
    assert "CALLOPS_JWT_SECRET is required" in err


@pytest.mark.parametrize("secret", ["short", "x" * 31])
def test_short_secret_stops_the_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], secret: str
) -> None:
    monkeypatch.setenv("CALLOPS_JWT_SECRET", secret)
    with pytest.raises(SystemExit) as exc:
        load_settings(ServiceSettings)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "CALLOPS_JWT_SECRET must be at least 32 characters" in err
    assert secret not in err.replace("CALLOPS_JWT_SECRET", "")


def test_secret_of_32_characters_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLOPS_JWT_SECRET", "x" * 32)
    assert load_settings(ServiceSettings).jwt_algorithm == "HS256"


def test_rs256_needs_a_public_key_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CALLOPS_JWT_ALGORITHM", "RS256")
    with pytest.raises(SystemExit):
        load_settings(ServiceSettings)
    assert "CALLOPS_JWT_PUBLIC_KEY_FILE is required" in capsys.readouterr().err


def test_each_bad_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CALLOPS_JWT_SECRET", SECRET)
    monkeypatch.setenv("CALLOPS_GRPC_PORT", "70000")
    monkeypatch.setenv("CALLOPS_GRPC_WORKERS", "0")
    with pytest.raises(SystemExit) as exc:
        load_settings(ServiceSettings)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "  CALLOPS_GRPC_PORT: " in err and "  CALLOPS_GRPC_WORKERS: " in err


def test_unparseable_json_stops_the_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CALLOPS_JWT_SECRET", SECRET)
    monkeypatch.setenv("CALLOPS_ROLE_RIGHTS", "{agent: pii")
    with pytest.raises(SystemExit) as exc:
        load_settings(ServiceSettings)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("callops: invalid configuration\n") and "role_rights" in err


def test_role_rights_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLOPS_JWT_SECRET", SECRET)
    monkeypatch.setenv(
        "CALLOPS_ROLE_RIGHTS", '{"agent": ["customers.read", "pii"], "auditor": ["customers.read"]}'
    )
    settings = load_settings(ServiceSettings)
    # The JSON is the whole policy: roles it leaves out have no rights.
    assert settings.role_rights == {
        "agent": frozenset({"customers.read", PII}),
        "auditor": frozenset({"customers.read"}),
    }
    principal = TokenVerifier(settings).verify(
        issue_token(settings, "zhao.liu", ["agent", "supervisor"])
    )
    assert principal.rights == {"customers.read", PII} and principal.sees_pii


def test_role_rights_must_be_lists_of_rights(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CALLOPS_JWT_SECRET", SECRET)
    monkeypatch.setenv("CALLOPS_ROLE_RIGHTS", '{"agent": "pii"}')
    with pytest.raises(SystemExit):
        load_settings(ServiceSettings)
    assert "CALLOPS_ROLE_RIGHTS" in capsys.readouterr().err


def test_customer_thresholds_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CALLOPS_JWT_SECRET", SECRET)
    monkeypatch.setenv("CALLOPS_KEY_AMOUNT", "80000")
    monkeypatch.setenv("CALLOPS_RATING_B_MAX_OVERDUE_DAYS", "15")
    t = load_settings(CustomerSettings).thresholds()
    assert (str(t.key_amount), t.rating_b_max_overdue_days) == ("80000", 15)
    assert str(t.strategic_amount) == "500000"
    monkeypatch.setenv("CALLOPS_KEY_AMOUNT", "0")
    with pytest.raises(SystemExit):
        load_settings(CustomerSettings)
    assert "CALLOPS_KEY_AMOUNT" in capsys.readouterr().err


# --- tokens ---------------------------------------------------------------------------------


def test_hs256_round_trip() -> None:
    settings = hs_settings()
    token = issue_token(settings, "zhang.san", ["sales", "agent"], department="east")
    principal = TokenVerifier(settings).verify(token)
    assert principal == Principal(
        "zhang.san",
        frozenset({"sales", "agent"}),
        "east",
        DEFAULT_ROLE_RIGHTS["sales"] | DEFAULT_ROLE_RIGHTS["agent"],
    )
    assert principal.user_name == "users/zhang.san"
    assert principal.can("customers.write") and not principal.can("customers.delete")
    assert principal.sees_pii and principal.sees_amounts


def test_a_remembered_token_is_still_refused_once_expired() -> None:
    settings = hs_settings()
    verifier = TokenVerifier(settings)
    token = issue_token(settings, "zhang.san", ["sales"], ttl_seconds=1)
    assert verifier.verify(token).user_id == "zhang.san"
    assert verifier.verify(token).user_id == "zhang.san"  # answered from memory
    time.sleep(2.1)
    with pytest.raises(AuthenticationFailed):
        verifier.verify(token)


def test_a_user_id_that_cannot_be_referenced_is_refused() -> None:
    settings = hs_settings()
    for sub in ("x" * 65, "zhang san", "张三"):
        with pytest.raises(AuthenticationFailed):
            TokenVerifier(settings).verify(issue_token(settings, sub, ["sales"]))


def test_roles_map_to_rights() -> None:
    agent = principal_for("a", ["agent"], "", DEFAULT_ROLE_RIGHTS)
    assert not agent.sees_pii and not agent.sees_amounts
    assert agent.can("tickets.write")
    finance = principal_for("f", ["finance"], "", DEFAULT_ROLE_RIGHTS)
    assert finance.sees_amounts and not finance.sees_pii
    nobody = principal_for("n", ["unknown-role"], "", DEFAULT_ROLE_RIGHTS)
    assert nobody.rights == frozenset() and nobody.roles == {"unknown-role"}
    assert principal_for("n", [], "", DEFAULT_ROLE_RIGHTS).rights == frozenset()
    admin = principal_for("root", ["admin"], "", DEFAULT_ROLE_RIGHTS)
    assert {"customers.merge", "customers.delete", PII, CONTRACT_AMOUNT} <= admin.rights


def _key_pair(tmp_path: Path) -> tuple[str, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_file = tmp_path / "jwt.pub.pem"
    public_file.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public_file


def test_rs256_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private, public_file = _key_pair(tmp_path)
    monkeypatch.setenv("CALLOPS_JWT_ALGORITHM", "RS256")
    monkeypatch.setenv("CALLOPS_JWT_PUBLIC_KEY_FILE", str(public_file))
    settings = load_settings(ServiceSettings)
    assert settings.jwt_secret is None
    token = issue_token(settings, "li.si", ["supervisor"], private_key=private)
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    principal = TokenVerifier(settings).verify(token)
    assert principal.user_id == "li.si" and principal.can("surveys.respond")

    # Signed by another key pair: refused.
    (tmp_path / "other").mkdir()
    other_private, _ = _key_pair(tmp_path / "other")
    with pytest.raises(AuthenticationFailed):
        TokenVerifier(settings).verify(
            issue_token(settings, "li.si", ["admin"], private_key=other_private)
        )


def test_hs256_token_is_refused_by_an_rs256_verifier(tmp_path: Path) -> None:
    _, public_file = _key_pair(tmp_path)
    settings = ServiceSettings(jwt_algorithm="RS256", jwt_public_key_file=public_file)
    # The classic confusion: an HMAC token keyed with the (public) key text.
    forged = jwt.encode(
        {
            "sub": "mallory",
            "roles": ["admin"],
            "iss": "callops",
            "aud": "callops",
            "exp": int(time.time()) + 60,
        },
        "x" * 40,
        algorithm="HS256",
    )
    with pytest.raises(AuthenticationFailed):
        TokenVerifier(settings).verify(forged)


def _claims(**overrides: object) -> dict[str, object]:
    claims: dict[str, object] = {
        "sub": "zhang.san",
        "roles": ["sales"],
        "iss": "callops",
        "aud": "callops",
        "exp": int(time.time()) + 60,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"exp": -5}, "expired"),
        ({"iss": "someone-else"}, "issuer"),
        ({"aud": "another-app"}, "audience"),
        ({"roles": "admin"}, "roles must be a list of strings"),
        ({"roles": ["sales", 1]}, "roles must be a list of strings"),
        ({"roles": {"admin": True}}, "roles must be a list of strings"),
        ({"sub": None}, "sub"),
        ({"exp": None}, "exp"),
        ({"aud": None}, "aud"),
    ],
)
def test_bad_tokens_are_refused(overrides: dict[str, object], message: str) -> None:
    if overrides.get("exp") is not None:
        overrides = {**overrides, "exp": int(time.time()) - 5}
    token = jwt.encode(_claims(**overrides), SECRET, algorithm="HS256")
    with pytest.raises(AuthenticationFailed) as exc:
        TokenVerifier(hs_settings()).verify(token)
    assert message.lower() in str(exc.value).lower()
    assert str(exc.value).startswith("invalid token: ")


def test_expired_token_from_issue_token() -> None:
    settings = hs_settings()
    with pytest.raises(AuthenticationFailed, match="expired"):
        TokenVerifier(settings).verify(issue_token(settings, "a", ["agent"], ttl_seconds=-1))


def test_issuer_and_audience_come_from_settings() -> None:
    theirs = hs_settings(jwt_issuer="idp.example.com", jwt_audience="callops-prod")
    token = issue_token(theirs, "a", ["agent"])
    assert TokenVerifier(theirs).verify(token).user_id == "a"
    with pytest.raises(AuthenticationFailed):
        TokenVerifier(hs_settings()).verify(token)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-jwt",
        "a.b.c",
        jwt.encode(_claims(), SECRET + "-other", algorithm="HS256"),
        jwt.encode(_claims(), None, algorithm="none"),
    ],
)
def test_malformed_or_foreign_tokens_are_refused(token: str) -> None:
    with pytest.raises(AuthenticationFailed):
        TokenVerifier(hs_settings()).verify(token)
