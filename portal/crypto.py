"""Personal data at rest: authenticated encryption, keyed lookup hashes, encrypted model fields.

A stored value reads `<cipher tag>:<key id>:<base64(nonce | ciphertext | tag)>`, e.g.
`v1:2026a:…`. The cipher tag and the key id are authenticated with the value (associated data),
so a value cannot be moved to another key or cipher, and a changed byte is refused
(`DecryptionError`). New values use settings.PII_CIPHER and settings.PII_KEY_ID; every key in
settings.PII_KEYS still decrypts, so `manage.py rotate_pii_key` can re-encrypt at its own pace.

The cipher is one small interface (`tag`, `key_size`, `encrypt`, `decrypt`): AES-256-GCM by
default; SM4-GCM (GB/T 32907) for a 密评 that asks for the national algorithm, offered by the
`cryptography` package where its OpenSSL has SM4 (this build has: see `SM4GCM.is_available()`).

Lookups and uniqueness on encrypted columns go through a keyed hash column (HMAC-SHA256 under
settings.PII_HASH_KEY, a key of its own): `KeyedHashField(source="phone", kind="phone")`.
"""

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.db.models.lookups import Exact
from django.dispatch import receiver
from django.utils.module_loading import import_string

NONCE_SIZE = 12  # 96-bit random nonce, the GCM standard size
TAG_SIZE = 16


class DecryptionError(Exception):
    """A stored value that is not ours, was changed, or needs a key we do not hold."""


class AES256GCM:
    """AES-256 in Galois/Counter Mode (authenticated), 32-byte keys."""

    tag = "v1"
    key_size = 32

    def __init__(self, key):
        self.aead = AESGCM(key)

    def encrypt(self, nonce, data, associated):
        return self.aead.encrypt(nonce, data, associated)

    def decrypt(self, nonce, data, associated):
        return self.aead.decrypt(nonce, data, associated)


class SM4GCM:
    """SM4 (GB/T 32907-2016) in Galois/Counter Mode, 16-byte keys, for a 密评 that asks for it."""

    tag = "sm4"
    key_size = 16

    def __init__(self, key):
        self.key = key

    @staticmethod
    def is_available():
        """Return whether this build's OpenSSL offers SM4-GCM."""
        try:
            Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(NONCE_SIZE))).encryptor()
        except Exception:  # UnsupportedAlgorithm, or no SM4 attribute in an old release
            return False
        return True

    def encrypt(self, nonce, data, associated):
        encryptor = Cipher(algorithms.SM4(self.key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(associated)
        return encryptor.update(data) + encryptor.finalize() + encryptor.tag

    def decrypt(self, nonce, data, associated):
        body, tag = data[:-TAG_SIZE], data[-TAG_SIZE:]
        decryptor = Cipher(algorithms.SM4(self.key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(associated)
        return decryptor.update(body) + decryptor.finalize()


CIPHERS = {cipher.tag: cipher for cipher in (AES256GCM, SM4GCM)}


def _decode_key(key_id, text, size):
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"PII_KEYS: key {key_id} is not base64.") from exc
    if len(key) < size:
        raise ImproperlyConfigured(f"PII_KEYS: key {key_id} must be at least {size} bytes.")
    return key[:size]


@cache
def _cipher(tag, key_id):
    keys = settings.PII_KEYS
    if key_id not in keys:
        raise DecryptionError(f"no key {key_id} in PII_KEYS")
    cipher_class = CIPHERS[tag]
    return cipher_class(_decode_key(key_id, keys[key_id], cipher_class.key_size))


@checks.register(checks.Tags.security, deploy=False)
def check_pii_keys(app_configs=None, **kwargs):
    """Report unusable keys or an unavailable cipher at start, not at the first citizen's save."""
    try:
        cipher_class = import_string(settings.PII_CIPHER)
        if cipher_class.tag not in CIPHERS:
            raise ImproperlyConfigured(f"PII_CIPHER {settings.PII_CIPHER} is not a known cipher.")
        if cipher_class is SM4GCM and not SM4GCM.is_available():
            raise ImproperlyConfigured(
                "PII_CIPHER asks for SM4, which this OpenSSL does not offer."
            )
        for key_id, text in settings.PII_KEYS.items():
            _decode_key(key_id, text, cipher_class.key_size)
        _decode_key("PII_HASH_KEY", settings.PII_HASH_KEY, 32)
    except (ImproperlyConfigured, ImportError) as exc:
        return [checks.Error(str(exc), id="portal.E010")]
    return []


def current_prefix():
    """Return the `<cipher tag>:<key id>:` that values encrypted now start with."""
    cipher_class = import_string(settings.PII_CIPHER)
    return f"{cipher_class.tag}:{settings.PII_KEY_ID}:"


def is_current(stored):
    """Return whether a stored value is empty or already under the current cipher and key."""
    return not stored or stored.startswith(current_prefix())


def encrypt(text):
    """Return the stored form of text ("" stays "": an empty field carries no personal data)."""
    if text is None or text == "":
        return text
    tag, key_id = current_prefix().split(":")[:2]
    nonce = os.urandom(NONCE_SIZE)
    associated = f"{tag}:{key_id}".encode()
    sealed = _cipher(tag, key_id).encrypt(nonce, str(text).encode(), associated)
    return f"{tag}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored):
    """Return the text of a stored value; raise DecryptionError if it was changed or is foreign."""
    if stored is None or stored == "":
        return stored
    try:
        tag, key_id, payload = stored.split(":", 2)
        blob = base64.b64decode(payload, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise DecryptionError("not an encrypted value") from exc
    if tag not in CIPHERS or len(blob) < NONCE_SIZE + TAG_SIZE:
        raise DecryptionError("not an encrypted value")
    nonce, sealed = blob[:NONCE_SIZE], blob[NONCE_SIZE:]
    try:
        return _cipher(tag, key_id).decrypt(nonce, sealed, f"{tag}:{key_id}".encode()).decode()
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError(f"value under key {key_id} failed authentication") from exc


def normalize(value, kind="text"):
    """Return the form a value is hashed in: phones as their digits (no +86), text trimmed."""
    value = unicodedata.normalize("NFKC", str(value or "")).strip()
    if kind == "phone":
        digits = "".join(ch for ch in value if ch.isdigit())
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        return digits
    return value.upper() if kind == "id" else value


def keyed_hash(value, kind="text"):
    """Return the HMAC-SHA256 (hex) of a normalized value under PII_HASH_KEY; "" for no value."""
    value = normalize(value, kind)
    if not value:
        return ""
    key = base64.b64decode(settings.PII_HASH_KEY)
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


@receiver(setting_changed, dispatch_uid="pii-keys-changed")
def clear_key_cache(setting=None, **kwargs):
    """Forget the ciphers built from the keys when the keys change (tests override them)."""
    if setting in {None, "PII_KEYS", "PII_KEY_ID", "PII_CIPHER"}:
        _cipher.cache_clear()


class EmptyExact(Exact):
    """`field=""` on an encrypted column: only emptiness can be compared."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: look it up through its keyed hash column."
            )
        return super().get_prep_lookup()


class EncryptedMixin:
    """Stored encrypted (a text column), read decrypted; only `isnull` and `exact ""` compare.

    Other lookups would compare ciphertexts with random nonces and silently match nothing, so
    they are refused: filter on the row's KeyedHashField instead.
    """

    ALLOWED_LOOKUPS = {"isnull", "exact"}

    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def get_prep_value(self, value):
        return encrypt(super().get_prep_value(value))

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyExact
        if lookup_name not in self.ALLOWED_LOOKUPS:
            raise FieldError(
                f"{self.name} is encrypted: look it up through its keyed hash column instead."
            )
        return super().get_lookup(lookup_name)


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField (max_length checks the plain text) stored encrypted."""


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    """An EmailField stored encrypted."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A TextField stored encrypted."""


class KeyedHashField(models.CharField):
    """The keyed hash of another field of the row, filled on save, for lookups and uniqueness."""

    def __init__(self, *args, source, kind="text", **kwargs):
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind=self.kind)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = keyed_hash(getattr(model_instance, self.source), self.kind)
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields(model):
    """Return the names of a model's encrypted fields."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]


def hash_fields(model):
    """Return a model's keyed hash fields."""
    return [f for f in model._meta.concrete_fields if isinstance(f, KeyedHashField)]


def _rewrite_rows(apps, schema_editor, label, *, to_plain):
    """Encrypt (or, going back, decrypt) a table's encrypted columns in place, filling hashes."""
    model = apps.get_model(label)
    meta, connection = model._meta, schema_editor.connection
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in encrypted_fields(model)]
    hashes = [] if to_plain else hash_fields(model)
    columns = [field.column for field in fields]
    # Table and column names come from the model's own meta, quoted; values are parameters.
    with connection.cursor() as cursor:
        selected = ", ".join(quote(c) for c in [meta.pk.column, *columns])
        cursor.execute(f"SELECT {selected} FROM {quote(meta.db_table)}")  # noqa: S608
        rows = cursor.fetchall()
        updates = []
        for pk, *stored in rows:
            plain = dict(
                zip([f.name for f in fields], (_plain(value) for value in stored), strict=True)
            )
            values = [plain[f.name] if to_plain else encrypt(plain[f.name]) for f in fields]
            values += [keyed_hash(plain[h.source], h.kind) for h in hashes]
            updates.append([*values, pk])
        assignments = ", ".join(f"{quote(c)} = %s" for c in columns + [h.column for h in hashes])
        cursor.executemany(
            f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {quote(meta.pk.column)} = %s",
            updates,
        )


def _plain(stored):
    """Return the text of a stored value that may still be plain (before the data migration)."""
    try:
        return decrypt(stored)
    except DecryptionError:
        return stored


def encrypt_existing_rows(label):
    """Return the data migration that encrypts a model's rows (reversible: decrypts them)."""
    from django.db import migrations

    return migrations.RunPython(
        lambda apps, schema_editor: _rewrite_rows(apps, schema_editor, label, to_plain=False),
        lambda apps, schema_editor: _rewrite_rows(apps, schema_editor, label, to_plain=True),
        elidable=False,
    )
