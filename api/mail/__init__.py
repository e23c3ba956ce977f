"""Email to buyers on the app: the email channel assembled at start-up, the unsubscribe page."""
