"""Accounts: logins, passwords, sessions and the users an admin manages."""
