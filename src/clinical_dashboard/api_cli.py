"""The commands ``clinical-dashboard api`` and ``clinical-dashboard api-key issue | revoke | list``
(kept here so that cli.py stays small and fastapi is imported only when the API runs)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def default_auth(host: str) -> str:
    """open on a loopback address (local use), keys on any other."""
    return "open" if host in ("127.0.0.1", "localhost", "::1") else "keys"


def default_warehouse() -> Path:
    return Path(os.environ.get("CLINICAL_DASHBOARD_DUCKDB", "target/warehouse.duckdb"))


def add_parsers(sub) -> None:
    api = sub.add_parser("api", help="serve the published warehouse's public marts read-only over HTTP "
                                     "(JSON and CSV; docs/api.md)")
    api.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    api.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    api.add_argument("--warehouse", "--duckdb-path", dest="warehouse", type=Path, default=None,
                     help="the published DuckDB file, opened read-only (default: env CLINICAL_DASHBOARD_DUCKDB, "
                          "else target/warehouse.duckdb)")
    api.add_argument("--project-dir", type=Path, default=Path("."),
                     help="dbt project: var dashboard_exports lists the marts, the model yml files describe them")
    api.add_argument("--auth", choices=("open", "keys"), default=None,
                     help="open: no keys (local use); keys: every /v1 request needs an API key "
                          "(default: open on 127.0.0.1/localhost, keys on any other address)")
    api.add_argument("--keys-file", type=Path, default=None,
                     help="key store (default: env CLINICAL_DASHBOARD_API_KEYS, else target/api_keys.json)")
    api.add_argument("--rate-limit", type=float, default=600.0,
                     help="requests per minute per key (open mode: per client address); a key may have its own "
                          "(default 600)")
    api.add_argument("--pin-seconds", type=float, default=600.0,
                     help="how long a replaced published state stays readable for reads that began on it "
                          "(default 600)")
    api.add_argument("--idle-seconds", type=float, default=60.0,
                     help="close the warehouse file after this long without requests (default 60)")
    api.add_argument("--access-log", type=Path, default=None,
                     help="also append the request log (JSON lines, no personal data) to this file")
    api.add_argument("--print-openapi", action="store_true", help="print the OpenAPI document and exit")

    keys = sub.add_parser("api-key", help="issue, revoke or list the API's keys (stored hashed)")
    keys.add_argument("--keys-file", type=Path, default=None,
                      help="key store (default: env CLINICAL_DASHBOARD_API_KEYS, else target/api_keys.json)")
    keys_sub = keys.add_subparsers(dest="key_command", required=True)
    issue = keys_sub.add_parser("issue", help="make a key; it is printed once, only its hash is stored")
    issue.add_argument("--name", required=True, help="who the key is for")
    issue.add_argument("--rate", type=float, default=None, help="requests per minute for this key "
                                                                "(default: the server's --rate-limit)")
    revoke = keys_sub.add_parser("revoke", help="revoke a key by its id (a running server refuses it at once)")
    revoke.add_argument("key_id", help="the key's id (the 8 hex digits after cdk_)")
    keys_sub.add_parser("list", help="the keys: id, name, created, revoked (never the keys)")


def run(args: argparse.Namespace) -> int:
    from .api_keys import ApiKeyError, issue_key, keys_file, read_keys, revoke_key

    if args.command == "api-key":
        path = keys_file(args.keys_file)
        try:
            if args.key_command == "issue":
                key, entry = issue_key(path, args.name, args.rate)
                print(key)
                print(f"issued key {entry.id} for {entry.name!r} in {path}; it is shown only now: "
                      "store it safely", file=sys.stderr)
            elif args.key_command == "revoke":
                entry = revoke_key(path, args.key_id)
                print(f"key {entry.id} ({entry.name}) revoked at {entry.revoked_at}")
            else:
                for entry in read_keys(path).values():
                    state = f"revoked {entry.revoked_at}" if entry.revoked_at else "active"
                    rate = f"{entry.rate_per_minute:g}/min" if entry.rate_per_minute else "default rate"
                    print(f"{entry.id}  {entry.name:<30} created {entry.created_at}  {rate:<14} {state}")
        except ApiKeyError as error:
            print(f"clinical-dashboard api-key: error: {error}", file=sys.stderr)
            return 2
        return 0

    from .api import ApiConfig, openapi_document, serve
    from .export import ExportError

    if args.rate_limit <= 0 or args.pin_seconds < 0 or args.idle_seconds < 0:
        print("clinical-dashboard api: error: --rate-limit must be positive, --pin-seconds and "
              "--idle-seconds not negative", file=sys.stderr)
        return 2
    config = ApiConfig(warehouse=args.warehouse or default_warehouse(), project_dir=args.project_dir,
                       auth=args.auth or default_auth(args.host), keys_file=args.keys_file,
                       rate_per_minute=args.rate_limit, pin_seconds=args.pin_seconds,
                       idle_seconds=args.idle_seconds, access_log=args.access_log)
    try:
        if args.print_openapi:
            print(json.dumps(openapi_document(config), indent=2, ensure_ascii=False))
            return 0
        if config.auth == "keys":
            if not any(k.active for k in read_keys(keys_file(config.keys_file)).values()):
                print(f"clinical-dashboard api: note: no active key in {keys_file(config.keys_file)} yet "
                      "(clinical-dashboard api-key issue --name ...)", file=sys.stderr)
        serve(config, args.host, args.port)
    except (ExportError, ApiKeyError) as error:
        print(f"clinical-dashboard api: error: {error}", file=sys.stderr)
        return 2
    return 0
