"""The decision on one waiting leave request from the requests page (docs/rules.md §9 "The decision"): the
direct supervisor's opinion (recommend, return, reject) and the official's decision: approve, approve
with other dates (perubahan), defer annual or long leave (ditangguhkan) or reject. A refusal shows the
page again with the message on the row and what was typed (note, reason, new dates); a repeated
submit is the engine's 409 and writes nothing twice; not an actor of the request is a 403."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from attendance import requests, selectors
from flexwork.common.dates import FormDateField
from flexwork.common.exceptions import ApplicationError

LEAVE_ACTIONS = ("recommend", "recommend_change", "recommend_defer", "approve", "change", "defer", "reject", "return")
# The supervisor's opinion other than "approve": a recommendation carrying it (docs/rules.md §9 "The decision").
OPINION_OF = {"recommend_change": "change", "recommend_defer": "defer"}
WITH_DATES = ("change", "recommend_change")
ERR_NEW_DATES = gettext_lazy("Give the new first and last day.")


class LeaveDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in LEAVE_ACTIONS])
    note = forms.CharField(required=False, max_length=2000)
    override_reason = forms.CharField(required=False, max_length=2000)
    new_date_from = FormDateField(required=False)
    new_date_to = FormDateField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") in WITH_DATES and not (data.get("new_date_from") and data.get("new_date_to")):
            self.add_error("new_date_from", str(ERR_NEW_DATES))
        return data


def _first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Choose an action.")


@login_required
@require_POST
def leave_decide(request: HttpRequest, leave_id: int) -> HttpResponse:
    from attendance import views

    leave = selectors.leave_get_for(user=request.user, leave_id=leave_id)
    form = LeaveDecisionForm(request.POST)
    typed_dates = (request.POST.get("new_date_from", "")[:10], request.POST.get("new_date_to", "")[:10])
    note = request.POST.get("note", "")[:2000]
    reason = request.POST.get("override_reason", "").strip()[:2000]
    if not form.is_valid():
        if "action" in form.errors:
            messages.error(request, _("Choose an action."))
            return redirect("attendance-requests")
        message = _first_error(form)
        messages.error(request, message)
        if request.POST.get("action") in WITH_DATES:
            request.kept_dates = typed_dates
        return views._requests_render(request, kept=("leave", leave.id, note, message, reason), status=400)
    data = form.cleaned_data
    action = data["action"]
    opinion = OPINION_OF.get(action, "")
    dates = [data["new_date_from"], data["new_date_to"]] if action in WITH_DATES else None
    if opinion:
        action = "recommend"
    try:
        if (
            action == "approve"
            and not reason
            and action in requests.allowed_actions(obj=leave, user=request.user)
            and views._leave_warnings(leave)
        ):
            # docs/rules.md §9 "Coverage": on the page the reason has its own field, so a warning present
            # now is not approved over on the strength of the note alone.
            raise ApplicationError(
                str(requests.ERR_OVERRIDE_REQUIRED), code="override_reason_required", status_code=400
            )
        requests.request_act(
            obj=leave,
            action=action,
            actor=request.user,
            note=data["note"],
            override_reason=reason,
            dates=dates,
            opinion=opinion,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        if action == "change" or opinion == "change":
            request.kept_dates = typed_dates
        kept = ("leave", leave.id, note, str(error.message), reason)
        return views._requests_render(request, kept=kept, status=error.status_code)
    messages.success(request, _("Done."))
    return redirect("attendance-requests")
