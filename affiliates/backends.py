"""The authentication backend: allauth's, loading the user with the rows that say its role."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from .models import User

# Reverse one-to-ones read by `Reader.of` on every request: joined here, not queried there.
ROLE_RELATIONS = ("partner_membership", "company_contact")


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related(*ROLE_RELATIONS).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
