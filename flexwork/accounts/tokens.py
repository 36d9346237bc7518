"""Personal API token keys: `fw_` + 40 random URL-safe characters. Only a SHA-256 is stored."""

import hashlib
import secrets

KEY_PREFIX = "fw_"
PREFIX_LENGTH = 10  # "fw_" + 7 characters, shown in lists to recognise a token


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(30)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
