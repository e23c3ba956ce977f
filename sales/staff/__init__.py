"""Staff users of the web pages: roles, passwords, sign-in with lockout, sessions."""
