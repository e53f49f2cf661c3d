"""Auth blocking functions: accounts exist only by invitation.

The portal creates accounts itself (invite acceptance, the admin CLI) through the
Admin SDK, which blocking functions do not see; so every sign-up attempted from a
browser (email/password sign-up, an email link for an unknown address, a new
federated identity) is refused here.
"""

from deployment import EVENTS
from firebase_functions import https_fn, identity_fn

from portal.monitoring import reported


@identity_fn.before_user_created(**EVENTS)
@reported
def before_user_created(event: identity_fn.AuthBlockingEvent) -> identity_fn.BeforeCreateResponse | None:
    from portal.auth.signup import refuse_self_signup

    message = refuse_self_signup(event.data.email)
    raise https_fn.HttpsError(code=https_fn.FunctionsErrorCode.PERMISSION_DENIED, message=message)
