"""The staff web pages: sign-in (/staff/login), the sales manager's dashboard (/staff/)."""
