"""Reaching a person where they are: web push to their devices, SMS to a verified number,
and their choice of channel per kind of message (docs/reach.md).

It sits below `patients` (which holds the accounts) and above `accounts`: a message kind
in any app asks `reach.choices.channels_for` which channels to use, and the outbox's
transports for push and SMS (`reach.push`, `reach.sms`) send it.
"""
