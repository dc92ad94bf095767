"""plaintext-secret judges column names: a hash or ciphertext named after its secret
(encrypted_password, a bcrypt hash) and tokens of text (path_tokens) are not secrets."""

from __future__ import annotations

import pytest

from xferity_schema.lint.rules import looks_like_secret


@pytest.mark.parametrize(
    "name", ["password", "api_key", "refresh_token", "client_secret", "confirmation_token"]
)
def test_secret_names_are_flagged(name: str) -> None:
    assert looks_like_secret(name)


@pytest.mark.parametrize(
    "name",
    [
        "path_tokens",
        "search_tokens",
        "encrypted_password",
        "hashed_token",
        "password_hash",
        "token_expires_at",
        "secret_vault_ref",
    ],
)
def test_protected_or_textual_names_are_not(name: str) -> None:
    assert not looks_like_secret(name)
