"""Import blood results (docs/clinical-rules.md §6): upload a CSV file or a FHIR bundle,
look at the dry run (what would be recorded, how flags would change, every refused row and
why), then import. The file waits between the steps in a LabImport row of its uploader's
(never in a URL, a session or a cache); anyone else's upload is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from alerts.care.lab_import import (
    COLUMNS,
    EXAMPLE_CSV,
    MAX_ROWS,
    ImportChanged,
    ImportFailed,
    ImportFileError,
    ImportStale,
    lab_import_check,
    lab_import_record,
)
from patients.access import clinician_required
from patients.audit import access_record
from patients.lab_tests import TESTS
from patients.models import AccessLog, LabImport, LabResult, Patient
from team.forms import LabImportForm

RECENT = 10


def _upload_page(request: HttpRequest, form: LabImportForm, status: int = 200) -> HttpResponse:
    recent = LabImport.objects.filter(uploaded_by=request.user).order_by("-uploaded_at")[:RECENT]
    return render(
        request,
        "team/lab_import/upload.html",
        {
            "form": form,
            "recent": recent,
            "tests": TESTS,
            "columns": COLUMNS,
            "max_rows": MAX_ROWS,
        },
        status=status,
    )


def _discard_pending(user, now) -> None:
    """One file waits per person: an earlier one not imported is discarded (its text gone)."""
    LabImport.objects.filter(uploaded_by=user, status=LabImport.Status.CHECKED).update(
        status=LabImport.Status.DISCARDED, text="", finished_at=now
    )


@clinician_required
def lab_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _upload_page(request, LabImportForm())
    form = LabImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            # Read it now: a file that cannot be read at all is never kept.
            lab_import_check(text=form.text, fmt=form.format, by=request.user)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            now = timezone.now()
            _discard_pending(request.user, now)
            upload = LabImport.objects.create(
                uploaded_by=request.user, uploaded_at=now, format=form.format, text=form.text
            )
            return redirect("team:lab_import_review", pk=upload.pk)
    return _upload_page(request, form, status=400)


@clinician_required
def lab_import_example(request: HttpRequest) -> HttpResponse:
    """The example CSV the page describes (invented hospital numbers, no one's data)."""
    response = HttpResponse(EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="blood-results-example.csv"'
    return response


def _own_upload(request: HttpRequest, pk: int) -> LabImport:
    return get_object_or_404(LabImport, pk=pk, uploaded_by=request.user)


@clinician_required
def lab_import_review(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _own_upload(request, pk)
    context: dict = {"upload": upload}
    if upload.status == LabImport.Status.CHECKED:
        try:
            context["report"] = lab_import_check(
                text=upload.text, fmt=upload.format, by=request.user, upload=upload
            )
        except ImportFileError as error:
            context["problem"] = str(error)
    elif upload.status == LabImport.Status.IMPORTED:
        context["results"] = (
            LabResult.objects.filter(
                pk__in=upload.recorded, patient__in=Patient.objects.for_clinician(request.user)
            )
            .select_related("patient__user")
            .order_by("patient__user__last_name", "patient_id", "collected_on", "pk")
        )
    access_record(request, None, AccessLog.Action.LIST)
    return render(request, "team/lab_import/review.html", context)


@require_POST
@clinician_required
def lab_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _own_upload(request, pk)
    try:
        expected = int(request.POST.get("expected", ""))
    except ValueError:
        expected = -1
    try:
        report = lab_import_record(
            text=upload.text,
            fmt=upload.format,
            by=request.user,
            upload=upload,
            expected=expected,
        )
    except ImportChanged:
        messages.info(request, _("This file was imported or discarded already."))
    except ImportStale:
        messages.warning(
            request,
            _(
                "Nothing was imported: the results changed since the check (one may have been "
                "recorded meanwhile). Look at the check again."
            ),
        )
    except ImportFileError as error:
        messages.error(request, str(error))
    except ImportFailed as failed:
        messages.error(
            request,
            _(
                "Nothing was imported: row %(row)s could not be recorded. Try again; if it "
                "happens again, remove that row and import the rest."
            )
            % {"row": failed.row},
        )
    else:
        for patient in report.patients:
            access_record(request, patient, AccessLog.Action.LAB_IMPORT)
        messages.success(
            request,
            ngettext("%(n)s result imported.", "%(n)s results imported.", len(report.recorded))
            % {"n": len(report.recorded)},
        )
    return redirect("team:lab_import_review", pk=upload.pk)


@require_POST
@clinician_required
def lab_import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _own_upload(request, pk)
    LabImport.objects.filter(pk=upload.pk, status=LabImport.Status.CHECKED).update(
        status=LabImport.Status.DISCARDED, text="", finished_at=timezone.now()
    )
    messages.info(request, _("The file was discarded; nothing was imported."))
    return redirect("team:lab_import")
