"""Models of signing in and of the signed-in user."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from ..api.common import Model, Out
from ..identity import Role


class Profile(Out):
    firstName: str = ""
    lastName: str = ""
    avatarUrl: str | None = None
    timezone: str | None = None


class User(Out):
    uid: str
    email: str
    role: Role
    orgId: str
    orgName: str = ""
    permissions: list[str] = []
    profile: Profile = Profile()


class Capabilities(Out):
    clients: list[str] = []
    """Policy actions the caller may take on client organisations (a client: their own)."""
    agency: list[str] = []
    """Policy actions on the agency's organisation (staff only)."""


class Me(User):
    capabilities: Capabilities = Capabilities()
    viewer: str | None = None
    """Set while a member of staff views the portal as this person (read-only): their uid."""


class LoginIn(Model):
    idToken: Annotated[str, StringConstraints(min_length=1, max_length=8192)]


class LoginOut(Out):
    user: Me
    csrfToken: str


class SessionOut(Out):
    authenticated: bool
    user: Me
    csrfToken: str | None = None


class FirebaseWebConfig(Out):
    apiKey: str
    authDomain: str
    projectId: str


class ErrorTrackingOut(Out):
    dsn: str
    """The Sentry DSN the browser sends its uncaught errors to."""
    release: str
    """The portal's release (``PORTAL_RELEASE``, ``dev`` when unset)."""
    environment: str
    """The Firebase project, as in the functions' own reports."""


class AuthConfigOut(Out):
    firebase: FirebaseWebConfig
    errorTracking: ErrorTrackingOut | None = None
    """Where the browser reports its errors; null when ``SENTRY_BROWSER_DSN`` is unset (nothing is sent)."""
    authEmulatorUrl: str | None = None
    firestoreEmulatorHost: str | None = None
    """``host:port`` of the Firestore emulator the browser listens to (development only)."""


class LiveTokenOut(Out):
    token: str
    """A Firebase custom token for ``signInWithCustomToken``, valid for an hour, carrying
    the caller's ``role``, ``orgId`` and ``permissions``."""
    uid: str
    """The signal document to listen to: ``live/{uid}``."""
