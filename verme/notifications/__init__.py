"""Outgoing e-mail: named messages rendered in the recipient's language, queued in the database
and delivered with retries by the background worker (django-tasks)."""
