"""Account plumbing apart from the clinical patient: sessions, the second factor, a
person's language and display zone, and who counts as clinic staff.

It sits below `patients` and above `diary_core` (pyproject.toml's `layers` contract): it
imports no app. It has no models; the user model stays `patients.User`, which this package
reads only through the instance it is given (or `get_user_model()`).
"""
