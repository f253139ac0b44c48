"""Mentors: the organisation's trained Verme mentors and, per round, what each can take on
(capacity, weekly times, themes), edited by the coordinator."""
