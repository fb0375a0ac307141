"""Encryption at rest for personal and secret fields (Fernet: AES-128-CBC with HMAC-SHA256).

The key comes from FIELD_ENCRYPTION_KEY (a Fernet key); without it a key is derived from SECRET_KEY,
so a raw database dump alone never shows the plaintext. Rotating keys: list the new key first in
FIELD_ENCRYPTION_KEY (comma-separated); older keys still decrypt.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(keys: str, secret_key: str) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
    derived = base64.urlsafe_b64encode(hashlib.sha256(("riskgate-field-key:" + secret_key).encode()).digest())
    return MultiFernet([Fernet(derived)])


def fernet() -> MultiFernet:
    return _fernet(getattr(settings, "FIELD_ENCRYPTION_KEY", ""), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return PREFIX + fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        raise ValueError("Value is not encrypted with the field-encryption format.")
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("Encrypted field cannot be decrypted with the configured keys.") from exc


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; it cannot be searched or ordered in the database."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
