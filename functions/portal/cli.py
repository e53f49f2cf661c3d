"""The admin command line: organisations and users, against the emulators or a real project.

    python -m portal.cli [--project ID] org create --name "Acme" [--kind client] [--id acme]
    python -m portal.cli org list
    python -m portal.cli user create --email a@b.com --role client_owner --org acme [--password ...]
    python -m portal.cli user invite --email a@b.com --role client_member --org acme
    python -m portal.cli user set-role --user a@b.com --role client_owner
    python -m portal.cli user billing-access --user a@b.com --grant     (or --revoke; a client's member)
    python -m portal.cli user disable --user a@b.com
    python -m portal.cli user reset-second-factors --user a@b.com     (a lost phone)
    python -m portal.cli user list [--org acme]
    python -m portal.cli invite list --org acme
    python -m portal.cli billing link --org acme --membership mem_...
    python -m portal.cli billing sync [--org acme]
    python -m portal.cli calendar sync     (Google Calendar: open/renew push channels, then sync)
    python -m portal.cli seed
    python -m portal.cli search reindex [--org acme]

A ``demo-`` project (the default, from ``.firebaserc``) is always the local emulators.
For a real project, pass ``--project`` and provide Application Default Credentials
(``GOOGLE_APPLICATION_CREDENTIALS`` pointing at a service-account key, or
``gcloud auth application-default login``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from . import logs
from .errors import PortalError
from .identity import OrgKind, Role

ROOT = Path(__file__).resolve().parents[2]


def default_project() -> str:
    try:
        return str(json.loads((ROOT / ".firebaserc").read_text())["projects"]["default"])
    except (OSError, ValueError, KeyError):
        return "demo-client-portal"


def use_project(project: str) -> None:
    os.environ["GCLOUD_PROJECT"] = project
    if project.startswith("demo-"):
        os.environ.setdefault("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080")
        os.environ.setdefault("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="portal", description="Administer the client portal.")
    p.add_argument("--project", default=None, help="Firebase project id (default: .firebaserc)")
    p.add_argument("--json", action="store_true", help="print JSON")
    sub = p.add_subparsers(dest="group", required=True)

    org = sub.add_parser("org").add_subparsers(dest="cmd", required=True)
    c = org.add_parser("create")
    c.add_argument("--name", required=True)
    c.add_argument("--kind", choices=[k.value for k in OrgKind], default="client")
    c.add_argument("--id", default=None)
    org.add_parser("list")

    user = sub.add_parser("user").add_subparsers(dest="cmd", required=True)
    roles = [r.value for r in Role]
    c = user.add_parser("create")
    c.add_argument("--email", required=True)
    c.add_argument("--role", choices=roles, required=True)
    c.add_argument("--org", required=True)
    c.add_argument("--password", default=None, help="omit to sign in by email link only")
    c.add_argument("--first", default="")
    c.add_argument("--last", default="")
    c = user.add_parser("invite")
    c.add_argument("--email", required=True)
    c.add_argument("--role", choices=roles, required=True)
    c.add_argument("--org", required=True)
    c = user.add_parser("set-role")
    c.add_argument("--user", required=True, help="email or uid")
    c.add_argument("--role", choices=roles, required=True)
    c = user.add_parser("billing-access", help="give a client's member billing access, or take it back")
    c.add_argument("--user", required=True, help="email or uid")
    which = c.add_mutually_exclusive_group(required=True)
    which.add_argument("--grant", action="store_true", help="they see billing from their next sign-in")
    which.add_argument("--revoke", action="store_true", help="they no longer see billing (their sessions end)")
    c = user.add_parser("disable")
    c.add_argument("--user", required=True, help="email or uid")
    c = user.add_parser("reset-second-factors", help="remove every second factor (a lost phone), end sessions")
    c.add_argument("--user", required=True, help="email or uid")
    c = user.add_parser("list")
    c.add_argument("--org", default=None)

    inv = sub.add_parser("invite").add_subparsers(dest="cmd", required=True)
    c = inv.add_parser("list")
    c.add_argument("--org", required=True)
    c = inv.add_parser("revoke")
    c.add_argument("--org", required=True)
    c.add_argument("--id", required=True)

    bill = sub.add_parser("billing").add_subparsers(dest="cmd", required=True)
    c = bill.add_parser("link", help="link a client organisation to its Whop membership, then sync")
    c.add_argument("--org", required=True)
    c.add_argument("--membership", required=True)
    c = bill.add_parser("sync", help="sync billing from Whop now")
    c.add_argument("--org", default=None)

    cal = sub.add_parser("calendar").add_subparsers(dest="cmd", required=True)
    cal.add_parser("sync", help="open or renew Google Calendar push channels, then sync every calendar")
    sub.add_parser("seed", help="create the demo data (emulators only)")
    search = sub.add_parser("search", help="the search index").add_subparsers(dest="cmd", required=True)
    c = search.add_parser("reindex", help="index existing items (all organisations, or one) and drop stale entries")
    c.add_argument("--org", default=None)
    notes = sub.add_parser("notifications", help="in-app notifications").add_subparsers(dest="cmd", required=True)
    c = notes.add_parser("coalesce", help="fold per-message notifications from before into one per thread and person")
    c.add_argument("--org", default=None, help="the people of this organisation only")
    return p


def run(args: argparse.Namespace) -> Any:
    from .invites import service as invites
    from .members import service as users
    from .orgs import service as orgs

    g, cmd = args.group, getattr(args, "cmd", None)
    if g == "org" and cmd == "create":
        return orgs.create_org(args.name, OrgKind(args.kind), org_id=args.id)
    if g == "org" and cmd == "list":
        return orgs.list_all()
    if g == "user" and cmd == "create":
        return users.create_user(
            email=args.email.strip().lower(),
            role=Role(args.role),
            org_id=args.org,
            first_name=args.first,
            last_name=args.last,
            password=args.password,
        )
    if g == "user" and cmd == "invite":
        return invites.create(None, email=args.email.strip().lower(), role=Role(args.role), org_id=args.org)
    if g == "user" and cmd == "set-role":
        return users.set_role(users.find_uid(args.user), Role(args.role))
    if g == "user" and cmd == "billing-access":
        return users.set_billing_access(users.find_uid(args.user), bool(args.grant))
    if g == "user" and cmd == "disable":
        return users.disable_user(users.find_uid(args.user))
    if g == "user" and cmd == "reset-second-factors":
        return users.reset_second_factors(users.find_uid(args.user))
    if g == "user" and cmd == "list":
        return users.list_users(args.org)
    if g == "invite" and cmd == "list":
        return invites.list_invites(None, args.org)
    if g == "invite" and cmd == "revoke":
        return invites.revoke(None, args.id, args.org)
    if g == "billing":
        from .billing import service as billing
        from .integrations.whop import WhopUnavailable

        if cmd == "link":
            return billing.link(None, args.org, args.membership)
        client = billing.adapter()
        if client is None:
            raise PortalError("Whop is not connected: set WHOP_API_KEY and WHOP_COMPANY_ID.")
        if not args.org:
            return billing.sync_all(respect_backoff=False)
        try:
            return billing.sync_org(args.org, client)
        except WhopUnavailable as exc:
            raise PortalError(f"Whop is unavailable: {exc}") from None
    if g == "calendar":
        from .bookings import calendar_sync

        return {"channelsRenewed": calendar_sync.renew_channels(), "synced": calendar_sync.sync_all()}
    if g == "seed":
        from .seed import (
            seed_approvals,
            seed_attention,
            seed_billing,
            seed_bookings,
            seed_contracts,
            seed_demo,
            seed_files,
            seed_messages,
        )

        if not os.environ["GCLOUD_PROJECT"].startswith("demo-"):
            raise PortalError("Seeding demo data is only for demo- projects (the emulators).")
        demo = seed_demo()
        made = {**demo, "approvals": seed_approvals(demo["users"]), **seed_billing(), **seed_files(demo["users"]),
                "bookings": seed_bookings(), "threads": seed_messages(demo["users"]),
                "attention": seed_attention(), "contracts": seed_contracts()}  # fmt: skip
        from .search.index import backfill

        return {**made, "search": backfill()}
    if g == "search":
        from .search.index import backfill

        return backfill(args.org)
    if g == "notifications":
        from .notifications.threads import coalesce_legacy

        return coalesce_legacy(args.org)
    raise AssertionError(args)


def _print(result: Any, as_json: bool) -> None:
    if as_json or not isinstance(result, list):
        print(json.dumps(result, indent=2, default=str))
        return
    for row in result:
        print(
            "  ".join(
                f"{k}={v}"
                for k, v in row.items()
                if k in ("id", "uid", "email", "name", "kind", "role", "orgId", "status", "disabled", "expiresAt")
            )
        )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logs.to_stream(sys.stderr)
    use_project(args.project or default_project())
    try:
        _print(run(args), args.json)
    except PortalError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
