"""Sales staff in Slack: new inquiries, approvals, handoff to a person and back, commands.

One request URL (``POST /slack/events``) serves events, interactivity and slash commands, as
Bolt does; outgoing messages go through the outbox and :mod:`api.slack.delivery`.
"""
