"""The team's own words for patients in each shipped language (django-modeltranslation; see
alerts/translation.py): what to do when the team is closed."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from patients.models import CareTeam


@register(CareTeam)
class CareTeamTranslation(TranslationOptions):
    fields = ("out_of_hours",)
    required_languages = ("en-gb",)


track_history(CareTeam)
