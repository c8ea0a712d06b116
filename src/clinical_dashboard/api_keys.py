"""API keys of the read-only API (``clinical-dashboard api-key issue | revoke | list``).

A key is ``cdk_<id>_<secret>``: ``id`` (8 hex digits) names the key in logs and on the command
line, ``secret`` (32 random bytes, URL-safe base64) is what proves it. The key is printed once
when it is issued; the store keeps only its SHA-256 (a random 256-bit secret needs no salt or
slow hash: it cannot be guessed from a dictionary). The store is one JSON file, written under
a temporary name and renamed (mode 0600), so a running server that re-reads it on every change
never sees half a file: a revocation takes effect on the server's next request.

Default store: ``target/api_keys.json``; env ``CLINICAL_DASHBOARD_API_KEYS`` or ``--keys-file``
choose another.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

KEYS_ENV = "CLINICAL_DASHBOARD_API_KEYS"
DEFAULT_KEYS_FILE = Path("target/api_keys.json")
_KEY_PATTERN = re.compile(r"^cdk_([0-9a-f]{8})_([A-Za-z0-9_-]{20,100})$")


class ApiKeyError(ValueError):
    """A key store that cannot be read or a key command that cannot be done (message says why)."""


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    sha256: str
    created_at: str
    #: requests per minute for this key; None: the server's default
    rate_per_minute: float | None = None
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def keys_file(path: Path | None = None) -> Path:
    """The store: ``path``, else env CLINICAL_DASHBOARD_API_KEYS, else target/api_keys.json."""
    if path is not None:
        return path
    return Path(os.environ.get(KEYS_ENV) or DEFAULT_KEYS_FILE)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def read_keys(path: Path) -> dict[str, ApiKey]:
    """The keys of the store by id (an absent store holds none)."""
    if not path.exists():
        return {}
    try:
        document = json.loads(path.read_text("utf-8"))
        return {entry["id"]: ApiKey(**entry) for entry in document["keys"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ApiKeyError(f"{path}: not a key store of clinical-dashboard api-key ({error})") from None


def _write_keys(path: Path, keys: dict[str, ApiKey]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    text = json.dumps({"keys": [asdict(k) for k in keys.values()]}, indent=2) + "\n"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def issue_key(path: Path, name: str, rate_per_minute: float | None = None) -> tuple[str, ApiKey]:
    """A new key named ``name``; returns (the key, to be shown once, and its stored entry)."""
    if not name.strip():
        raise ApiKeyError("a key needs a --name (who it is for)")
    if rate_per_minute is not None and rate_per_minute <= 0:
        raise ApiKeyError(f"--rate must be positive, got {rate_per_minute}")
    keys = read_keys(path)
    key_id = secrets.token_hex(4)
    while key_id in keys:
        key_id = secrets.token_hex(4)
    key = f"cdk_{key_id}_{secrets.token_urlsafe(32)}"
    entry = ApiKey(id=key_id, name=name.strip(), sha256=_digest(key), created_at=_now(),
                   rate_per_minute=rate_per_minute)
    keys[key_id] = entry
    _write_keys(path, keys)
    return key, entry


def revoke_key(path: Path, key_id: str) -> ApiKey:
    """Mark key ``key_id`` revoked (it stays listed); returns its entry."""
    keys = read_keys(path)
    if key_id not in keys:
        known = ", ".join(sorted(keys)) or "none"
        raise ApiKeyError(f"{path}: no key with id {key_id!r} (ids: {known})")
    entry = keys[key_id]
    if entry.active:
        entry = ApiKey(**{**asdict(entry), "revoked_at": _now()})
        keys[key_id] = entry
        _write_keys(path, keys)
    return entry


class KeyStore:
    """The store as a server sees it: re-read whenever the file changes (size, mtime or inode),
    so keys issued or revoked while the server runs count from its next request."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._keys: dict[str, ApiKey] = {}

    def _current(self) -> dict[str, ApiKey]:
        try:
            stat = self.path.stat()
            stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                self._keys = read_keys(self.path) if stamp else {}
                self._stamp = stamp
            return self._keys

    def check(self, presented: str) -> tuple[ApiKey | None, str]:
        """(the key's entry, "") when ``presented`` is an active key; else (None, why not)."""
        match = _KEY_PATTERN.match(presented)
        if not match:
            return None, "not an API key of this service (expected cdk_<id>_<secret>)"
        entry = self._current().get(match.group(1))
        if entry is None or not hmac.compare_digest(entry.sha256, _digest(presented)):
            return None, "unknown API key"
        if not entry.active:
            return None, f"API key {entry.id} was revoked at {entry.revoked_at}"
        return entry, ""
