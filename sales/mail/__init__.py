"""Email to the buyer: the outbox's email channel (:mod:`~sales.mail.channel`), what each mail
says (:mod:`~sales.mail.templates`), the MIME message (:mod:`~sales.mail.compose`), the SMTP
client (:mod:`~sales.mail.sender`), the settings read (:mod:`~sales.mail.config`), and the
opt-out and bounce list with its signed unsubscribe links (:mod:`~sales.mail.suppressions`)."""
