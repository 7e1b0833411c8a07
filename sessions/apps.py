from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "sessions"
    # "sessions" is django.contrib.sessions' label, which the admin needs.
    label = "kb_sessions"
    verbose_name = "Meetings and sessions"
