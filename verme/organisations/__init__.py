"""Organisations (the tenants), their units (schools, sites), and the roles people hold in them;
also the structural tenancy that keeps one organisation's rows from another."""
