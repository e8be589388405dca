"""API tokens that end: a token expires API_TOKEN_HOURS after it was issued (a new one is issued
at the next sign-in through POST /api/v1/auth/token/), and every token of a user is revoked when
the user's password changes, so a leaked token does not outlive the password it came from."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def lifetime() -> timedelta:
    return timedelta(hours=settings.API_TOKEN_HOURS)


def is_expired(token: Token) -> bool:
    return token.created <= timezone.now() - lifetime()


def issue(user) -> Token:
    """The user's token, a new one when the old one has expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, refused once the token has expired."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            token.delete()
            raise AuthenticationFailed(gettext("令牌已过期，请重新获取令牌。"))
        return user, token


def revoke_on_password_change(sender, instance, raw=False, **kwargs) -> None:
    """pre_save of the user model: a changed password revokes the user's tokens."""
    if raw or instance.pk is None:
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()
