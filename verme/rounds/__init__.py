"""Rounds: one school year's programme of an organisation, with its sign-up window, group kinds,
themes, languages, meeting pattern, group sizes and the weekly time slots people can meet in."""
