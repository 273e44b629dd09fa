"""Settings: the ini file, overridden by environment variables (as Kinto does).

Secrets and the database location come from the environment in production,
never from the repository.
"""

import os

ENVIRONMENT_OVERRIDES = {
    "ENGAGE_DATABASE_URL": "engage.database_url",
    "ENGAGE_DATABASE_URL_READ": "engage.database_url_read",
    "ENGAGE_SESSION_SECRET": "engage.session_secret",
    "ENGAGE_IDENTIFIER_KEY": "engage.identifier_key",
    "ENGAGE_SECURE_COOKIES": "engage.secure_cookies",
    "ENGAGE_PROJECTIONS_IN_PROCESS": "engage.projections.in_process",
    "ENGAGE_MAX_BODY_BYTES": "engage.max_body_bytes",
    "ENGAGE_MAX_UPLOAD_BYTES": "engage.max_upload_bytes",
    "ENGAGE_TRANSPARENCY_KEY_PATH": "engage.transparency.key_path",
    "ENGAGE_VAULT_KEK_PATH": "engage.vault.kek_path",
    "ENGAGE_PUBLIC_URL": "engage.public_url",
    "ENGAGE_METRICS_TOKEN": "engage.metrics.token",
    "ENGAGE_MAIL_HOST": "mail.host",
    "ENGAGE_MAIL_USERNAME": "mail.username",
    "ENGAGE_MAIL_PASSWORD": "mail.password",
}


def apply_environment(settings: dict, environ=os.environ) -> dict:
    for variable, key in ENVIRONMENT_OVERRIDES.items():
        if environ.get(variable):
            settings[key] = environ[variable]
    return settings


def includeme(config) -> None:
    apply_environment(config.registry.settings)
    config.registry.settings.setdefault("pyramid.default_locale_name", "fr")
