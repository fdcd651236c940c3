from wagtail import hooks

from .lockout import LOCKED_OUT, UNLOCKED


@hooks.register("register_log_actions")
def register_sign_in_actions(actions):
    actions.register_action(LOCKED_OUT, "Sign-in lockout", "Locked out after failed sign-ins")
    actions.register_action(UNLOCKED, "Sign-in unlock", "Sign-in lockout lifted")
