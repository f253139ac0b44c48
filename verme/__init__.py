"""Verme: peer-group mentoring (vertaisryhmämentorointi) for Finnish education providers."""
