"""People and sign-in: the user account, its preferred language, and how one signs in
(one-time e-mail code, optional password, organisation single sign-on)."""
