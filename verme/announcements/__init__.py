"""Announcements of a round: the public round page, the embeddable snippet and Atom feed, and
e-mail announcements to an uploaded staff list with per-recipient unsubscribe."""
