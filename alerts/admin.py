"""The app's admin pages, each defined in the package it belongs to (Django looks here)."""

from alerts.authoring import admin as authoring_admin
from alerts.care import admin as care_admin

__all__ = ["authoring_admin", "care_admin"]
