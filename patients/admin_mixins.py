"""Admin behaviour shared by every app's admin: read-only audit trails, reads of clinical
records written to the access log, and the translation-missing filter."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from patients.audit import access_record


class ReadOnlyAdminMixin:
    """Rows shown in the admin but never added, changed or deleted there (audit trails,
    and alerts, which clinicians handle on the dashboard where each step is audited)."""

    def has_add_permission(self, request, obj=None) -> bool:  # obj: inlines pass the parent
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditedReadsMixin:
    """Clinical records read in the admin are in the access log like the team's pages: the
    list (one row), each record (with its patient) and its change history.

    `audited_patient(obj)` names the patient a record belongs to.
    """

    def audited_patient(self, obj):
        return getattr(obj, "patient", None)

    def _audit(self, request, obj, action: str) -> None:
        access_record(request, self.audited_patient(obj) if obj else None, action)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if getattr(response, "status_code", 200) == 200:
            self._audit(request, None, "list")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 200) == 200:
            self._audit(request, self.get_object(request, object_id), "admin")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if getattr(response, "status_code", 200) == 200:
            self._audit(request, self.get_object(request, object_id), "history")
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One past version of a record (django-simple-history)."""
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if getattr(response, "status_code", 200) == 200:
            self._audit(request, self.get_object(request, object_id), "history")
        return response


def _translated_fields(model) -> tuple[str, ...]:
    from modeltranslation.translator import translator

    return tuple(translator.get_options_for_model(model).fields)


def _missing_in(code: str, model) -> Q:
    """Rows with English words in a field whose `code` column is still empty."""
    missing = Q()
    for field in _translated_fields(model):
        english = build_localized_fieldname(field, settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
        column = build_localized_fieldname(field, code)
        missing |= (Q(**{f"{column}__isnull": True}) | Q(**{column: ""})) & ~Q(**{english: ""})
    return missing


class MissingTranslationFilter(admin.SimpleListFilter):
    """ "Translation missing: Español": the rows a translator still has to do (patients
    meanwhile read the English words)."""

    title = _("translation missing")
    parameter_name = "missing_translation"

    def lookups(self, request, model_admin):
        names = dict(settings.LANGUAGES)
        return [
            (code, names[code])
            for code in settings.MODELTRANSLATION_LANGUAGES
            if code != settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        ]

    def queryset(self, request, queryset):
        code = self.value()
        if code not in dict(self.lookups(request, None)):
            return queryset
        return queryset.filter(_missing_in(code, queryset.model))


class TranslatedContentMixin:
    """Clinical content with one column per language: the list says which languages are
    still missing (English is shown to those readers meanwhile) and filters by it."""

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), MissingTranslationFilter)

    def get_list_display(self, request):
        return (*super().get_list_display(request), "missing_languages")

    @admin.display(description=_("translation missing"))
    def missing_languages(self, obj) -> str:
        names = dict(settings.LANGUAGES)
        missing = []
        for code in settings.MODELTRANSLATION_LANGUAGES:
            if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
                continue
            for field in _translated_fields(type(obj)):
                english = (
                    getattr(
                        obj,
                        build_localized_fieldname(
                            field, settings.MODELTRANSLATION_DEFAULT_LANGUAGE
                        ),
                        "",
                    )
                    or ""
                )
                theirs = getattr(obj, build_localized_fieldname(field, code), "") or ""
                if english and not theirs:
                    missing.append(names[code])
                    break
        return ", ".join(missing) or "—"
