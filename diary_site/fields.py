"""Form fields shared by the patients', the diary's and the team's forms."""

from __future__ import annotations

from django import forms

# What a browser's <input type="datetime-local"> sends, and what someone may type without one.
LOCAL_DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")


class LocalDateTimeField(forms.DateTimeField):
    """A date and time picked on the phone's own date-time control, read in the user's zone."""

    def __init__(self, *, also_accept: tuple[str, ...] = (), **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        kwargs.setdefault("input_formats", [*LOCAL_DATETIME_FORMATS, *also_accept])
        super().__init__(**kwargs)
