from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhijia.core.fields import EncryptedTextField
from zhijia.core.models import BaseModel
from zhijia.core.pii import Category


class UserKind(models.TextChoices):
    STAFF = "staff", _("Staff")  # logs in with username + password (+ TOTP)
    WORKER = "worker", _("Worker")  # logs in with mobile phone + SMS code


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(username=username)


class User(BaseModel, AbstractBaseUser):
    """Staff, experts, cashiers (kind=staff) and workers (kind=worker).

    The phone is stored encrypted; `phone_index` is its HMAC blind index, unique, for login and
    look-up. Writes go through accounts.services, never through this class directly.
    """

    username = models.CharField(_("username"), max_length=150, unique=True)
    display_name = models.CharField(pgettext_lazy("person", "name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UserKind.choices, default=UserKind.STAFF)
    org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("home unit"),
    )
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    phone_index = models.CharField(max_length=64, null=True, blank=True, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    password_changed_at = models.DateTimeField(default=timezone.now)
    # Set when an administrator chose the password (new account, reset): the console then
    # allows nothing but a password change (accounts.middleware.SecurityPolicyMiddleware).
    password_must_change = models.BooleanField(default=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    PERSONAL_DATA = {
        "display_name": Category.IDENTITY,
        "phone": Category.CONTACT,
        "phone_index": Category.CONTACT,
        "password": Category.CREDENTIAL,
    }
    NOT_PERSONAL = ("username", "password_changed_at", "password_must_change")

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_staff_account(self) -> bool:
        return self.kind == UserKind.STAFF


class ApiToken(BaseModel):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    PERSONAL_DATA = {"key_hash": Category.CREDENTIAL}


class SmsCode(BaseModel):
    """A one-time login code: 5-minute expiry, single use, limited attempts (SECURITY.md)."""

    phone_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    ip = models.GenericIPAddressField(null=True, blank=True)

    PERSONAL_DATA = {
        "phone_index": Category.CONTACT,
        "code_hash": Category.CREDENTIAL,
        "ip": Category.CONTACT,
    }

    class Meta:
        indexes = [models.Index(fields=["phone_index", "created_at"])]


class SmsLoginFailure(BaseModel):
    """One wrong SMS code for (phone, IP). LOCKOUT_FAILURES of them within LOCKOUT_MINUTES lock
    that pair, like django-axes does for passwords; a success clears the pair's rows."""

    phone_index = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)

    PERSONAL_DATA = {"phone_index": Category.CONTACT, "ip": Category.CONTACT}

    class Meta:
        indexes = [models.Index(fields=["phone_index", "ip", "created_at"])]
