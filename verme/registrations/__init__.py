"""Registrations: who signs up for a round, through the public form, a private link or an import;
the waiting list, and the coordinator's list with counts, exports and imports."""
