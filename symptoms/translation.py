"""Symptom labels in each shipped language (django-modeltranslation; see alerts/translation.py)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from symptoms.models import Symptom


@register(Symptom)
class SymptomTranslation(TranslationOptions):
    fields = ("label", "help_text")
    required_languages = ("en-gb",)


track_history(Symptom)
