"""Accounts: sign up, sign in, sign out, the account page."""
