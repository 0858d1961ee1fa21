"""The clinical content in each shipped language (django-modeltranslation).

Each field below gets one column per language (`patient_message_en_gb`, `_es`, `_de`) in the
same table: the evaluator's reads gain no join. Reading `rule.patient_message` gives the
active language, falling back to English when a translation is missing (and the admin lists
what is missing: alerts/authoring/admin.py). The history is registered here, after the columns exist,
so every language's change is recorded (django-simple-history's advice for modeltranslation).
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from alerts.models import AlertRule, EducationPage, RuleDraft

# The words a rule change may translate: the same fields on the live rule and its draft.
RULE_TEXT_FIELDS = ("title", "patient_message", "clinician_summary")


@register(AlertRule)
class AlertRuleTranslation(TranslationOptions):
    fields = RULE_TEXT_FIELDS
    required_languages = ("en-gb",)


@register(RuleDraft)
class RuleDraftTranslation(TranslationOptions):
    fields = RULE_TEXT_FIELDS
    required_languages = ("en-gb",)


@register(EducationPage)
class EducationPageTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
    required_languages = ("en-gb",)


track_history(AlertRule)
track_history(RuleDraft)
track_history(EducationPage, m2m_fields=["rules"])
