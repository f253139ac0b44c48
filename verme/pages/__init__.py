"""The public pages of the service: front page, accessibility statement, privacy notice, health
check, the base layout every page shares, and the template helpers for translated texts."""
