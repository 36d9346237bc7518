"""Performance pages: my targets, the team view, SKP detail and edit, realisation entry, the
evaluation form, HR's distribution page, and the printable SKP and evaluation. They call the same
selectors and services as the API."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flexwork.common.calendar import user_today
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.common.services import evidence_upload
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Unit
from flexwork.org.selectors import policy_for
from performance import forms, selectors, services
from performance.models import BEHAVIOUR_VALUES, PeriodPlan, Rhk, Skp, SkpStatus


def _roles(skp: Skp, user) -> dict:
    supervisor = skp.employee.supervisor
    is_self = skp.employee.user_id == user.pk
    is_supervisor = supervisor is not None and supervisor.user_id == user.pk
    is_assessor = (skp.assessor.user_id == user.pk) if skp.assessor_id else is_supervisor
    return {
        "is_self": is_self,
        "is_supervisor": is_supervisor,
        "is_assessor": is_assessor,
        "can_edit": (is_self or is_supervisor) and skp.is_editable,
        "can_submit": is_self and skp.status in (SkpStatus.DRAFT, SkpStatus.RETURNED),
        "can_approve": is_supervisor and skp.status != SkpStatus.APPROVED,
        "can_return": is_assessor and skp.status in (SkpStatus.SUBMITTED, SkpStatus.APPROVED),
        "can_evaluate": is_assessor and skp.status == SkpStatus.APPROVED,
        "can_feedback": is_self or is_supervisor or is_assessor,
    }


# ---------------------------------------------------------------------------- my targets and the team


@require_GET
@login_required
def my_targets(request):
    scope = org_scope.scope_for(request.user)
    if scope.employee_id is None or scope.agency_id is None:
        raise PermissionDenied(_("Only staff of an agency have targets."))
    today = user_today(request.user)
    skps = list(selectors.skp_list_for(user=request.user, filters={"employee": scope.employee_id})[:10])
    current = next((s for s in skps if s.period_start <= today <= s.period_end), None)
    document = progress = None
    if current is not None:
        document = selectors.skp_document(skp=current)
        progress = selectors.skp_progress(skp=document, on_date=today)
    return render(
        request,
        "performance/my_targets.html",
        {"skps": skps, "skp": document, "progress": progress, "today": today, "year": today.year},
    )


@require_GET
@login_required
def team(request):
    scope = org_scope.require_role(request.user, org_scope.SUPERVISOR, org_scope.UNIT_HEAD)
    today = user_today(request.user)
    rows = selectors.team_overview_for(user=scope, on_date=today)
    return render(request, "performance/team.html", {"rows": rows, "today": today})


# ---------------------------------------------------------------------------- SKP


@require_http_methods(["GET", "POST"])
@login_required
def skp_create(request):
    scope = org_scope.require_agency(request.user)
    employee_id = request.GET.get("employee") or scope.employee_id
    try:
        employee = org_scope.visible_employees(scope).select_related("supervisor").get(id=int(employee_id))
    except (ValueError, TypeError, Employee.DoesNotExist):
        raise Http404 from None
    form = forms.SkpForm(request.POST or None, initial={"year": user_today(request.user).year})
    if request.method == "POST" and form.is_valid():
        try:
            skp = services.skp_create(actor=request.user, employee=employee, **form.cleaned_data)
        except ApplicationError as exc:
            form_error_show(form, exc)
        else:
            messages.success(request, _("The SKP was created. Add the planned work results and indicators."))
            return redirect("performance-skp-detail", skp.id)
    return render(request, "performance/skp_form.html", {"form": form, "employee": employee})


def _skp_context(request, skp: Skp) -> dict:
    document = selectors.skp_document(skp=skp)
    today = user_today(request.user)
    return {
        "skp": document,
        "progress": selectors.skp_progress(skp=document, on_date=today),
        "roles": _roles(document, request.user),
        "feedback": selectors.feedback_list_for(user=request.user, filters={"skp": skp.id})[:50],
        "evaluations": selectors.evaluation_list_for(user=request.user, filters={"skp": skp.id}),
        "today": today,
    }


@require_GET
@login_required
def skp_detail(request, skp_id: int):
    skp = selectors.skp_get_for(user=request.user, skp_id=skp_id)
    context = _skp_context(request, skp)
    if context["roles"]["can_edit"]:
        context["rhk_form"] = forms.RhkForm(cascade_choices=selectors.cascade_choices_for(skp=skp))
        context["indicator_forms"] = {
            rhk.id: _indicator_form(skp, auto_id=f"id_rhk{rhk.id}_%s") for rhk in context["skp"].rhks.all()
        }
    context["transition_form"] = forms.TransitionForm()
    context["feedback_form"] = forms.FeedbackForm()
    return render(request, "performance/skp_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def skp_edit(request, skp_id: int):
    skp = selectors.skp_get_for(user=request.user, skp_id=skp_id)
    initial = {"approach": skp.approach, "period_start": skp.period_start, "period_end": skp.period_end}
    form = forms.SkpEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.skp_update(skp=skp, actor=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            form_error_show(form, exc)
        else:
            messages.success(request, _("The SKP was saved."))
            return redirect("performance-skp-detail", skp.id)
    return render(request, "performance/skp_edit.html", {"form": form, "skp": skp})


@require_POST
@login_required
def skp_rhk_add(request, skp_id: int):
    skp = selectors.skp_get_for(user=request.user, skp_id=skp_id)
    form = forms.RhkForm(request.POST, cascade_choices=selectors.cascade_choices_for(skp=skp))
    if form.is_valid():
        try:
            services.rhk_create(skp=skp, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, "; ".join([exc.message, *[m for ms in exc.fields.values() for m in ms]]))
        else:
            messages.success(request, _("The planned work result was added."))
    else:
        messages.error(request, _("The planned work result was not added: check the fields."))
    return redirect("performance-skp-detail", skp.id)


def _indicator_form(skp: Skp, data=None, **kwargs) -> forms.IndicatorForm:
    return forms.IndicatorForm(
        data,
        periods=services.indicator_periods(skp=skp),
        period_kind=policy_for(agency=skp.agency_id).performance_period,
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
@login_required
def rhk_indicator_add(request, rhk_id: int):
    """The indicator form of one planned work result: its annual target and how it spreads over the
    periods (docs/rules.md §5). A refused form comes back filled in, with the errors in place."""
    rhk = get_object_or_404(
        Rhk.objects.filter(selectors.skp_visible_q(request.user, prefix="skp__")).select_related(
            "skp__employee__supervisor", "skp__employee__user"
        ),
        id=rhk_id,
    )
    skp = rhk.skp
    roles = _roles(skp, request.user)
    if not (roles["is_self"] or roles["is_supervisor"]):
        raise PermissionDenied(_("Only the employee and their direct supervisor can change this SKP."))
    if request.method == "GET" and not roles["can_edit"]:
        messages.error(
            request,
            _("This SKP is %(status)s: return it to the employee before changing it.")
            % {"status": skp.get_status_display().lower()},
        )
        return redirect("performance-skp-detail", skp.id)
    form = _indicator_form(skp, request.POST or None)
    period_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_create(rhk=rhk, actor=request.user, **form.service_data())
        except ApplicationError as exc:
            fields = dict(exc.fields or {})
            period_errors = [str(m) for m in fields.pop("period_targets", [])]
            if fields or not period_errors:
                form_error_show(form, ApplicationError(exc.message, code=exc.code, fields=fields))
        else:
            messages.success(request, _("The indicator was added."))
            return redirect("performance-skp-detail", skp.id)
    form.period_errors = period_errors
    return render(request, "performance/indicator_form.html", {"form": form, "rhk": rhk, "skp": skp})


@require_POST
@login_required
def skp_transition(request, skp_id: int, action: str):
    skp = selectors.skp_get_for(user=request.user, skp_id=skp_id)
    service = {"submit": services.skp_submit, "approve": services.skp_approve, "return": services.skp_return}.get(
        action
    )
    if service is None:
        raise Http404
    form = forms.TransitionForm(request.POST)
    form.is_valid()
    try:
        service(skp=skp, actor=request.user, note=form.cleaned_data.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, "; ".join([m for ms in exc.fields.values() for m in ms] or [exc.message]))
    else:
        done = {
            "submit": _("The SKP was submitted."),
            "approve": _("The SKP was approved."),
            "return": _("The SKP was returned."),
        }
        messages.success(request, done[action])
    return redirect("performance-skp-detail", skp.id)


@require_POST
@login_required
def skp_feedback_add(request, skp_id: int):
    skp = selectors.skp_get_for(user=request.user, skp_id=skp_id)
    form = forms.FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_create(skp=skp, actor=request.user, text=form.cleaned_data["text"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your feedback was saved."))
    return redirect("performance-skp-detail", skp.id)


@require_GET
@login_required
def skp_print(request, skp_id: int):
    skp = selectors.skp_get_for(user=request.user, skp_id=skp_id)
    return render(request, "performance/skp_print.html", _skp_context(request, skp))


# ---------------------------------------------------------------------------- indicators and realisations


def _plan_for(indicator, period: str | None) -> PeriodPlan | None:
    if not period:
        return None
    try:
        day = datetime.date.fromisoformat(period)
    except ValueError:
        return None
    return indicator.period_plans.filter(period_start__lte=day, period_end__gte=day).first()


@require_http_methods(["GET", "POST"])
@login_required
def indicator_detail(request, indicator_id: int):
    indicator = selectors.indicator_get_for(user=request.user, indicator_id=indicator_id)
    skp = Skp.objects.select_related("employee__supervisor", "assessor").get(id=indicator.rhk.skp_id)
    roles = _roles(skp, request.user)
    plan = _plan_for(indicator, request.POST.get("period") if request.method == "POST" else None)
    target_form = forms.PeriodTargetForm(request.POST or None)
    if request.method == "POST":
        if plan is None:
            raise Http404
        if target_form.is_valid():
            data = dict(target_form.cleaned_data)
            data["target_max"] = data.get("target_max") if data.get("target_max") is not None else data["target_min"]
            try:
                services.period_plan_update(plan=plan, actor=request.user, data=data)
            except ApplicationError as exc:
                messages.error(request, "; ".join([m for ms in exc.fields.values() for m in ms] or [exc.message]))
            else:
                messages.success(request, _("The period target was saved."))
                return redirect("performance-indicator-detail", indicator.id)
    indicator = selectors.indicator_list_for(user=request.user).get(id=indicator.id)
    context = selectors.progress_context(
        agency_id=skp.agency_id,
        on_date=user_today(request.user),
        year_from=skp.period_start.year,
        year_to=skp.period_end.year,
    )
    progress = selectors.indicator_progress(indicator=indicator, context=context)
    return render(
        request,
        "performance/indicator_detail.html",
        {"indicator": indicator, "skp": skp, "progress": progress, "roles": roles, "target_form": target_form},
    )


@require_http_methods(["GET", "POST"])
@login_required
def realisation_entry(request, indicator_id: int):
    indicator = selectors.indicator_get_for(user=request.user, indicator_id=indicator_id)
    skp = indicator.rhk.skp
    period = request.POST.get("period") or request.GET.get("period")
    plan = _plan_for(indicator, period)
    if plan is None:
        today = user_today(request.user)
        plan = _plan_for(indicator, today.isoformat()) or indicator.period_plans.order_by("period_start").first()
    if plan is None:
        raise Http404
    existing = getattr(plan, "realisation", None) if hasattr(plan, "realisation") else None
    suggested = selectors.suggested_realisation(plan=plan)
    initial = {"value": existing.value if existing else suggested, "note": existing.note if existing else ""}
    form = forms.RealisationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_ids = []
            if form.cleaned_data.get("evidence"):
                evidence_ids.append(evidence_upload(user=request.user, uploaded_file=form.cleaned_data["evidence"]).id)
            services.realisation_record(
                indicator=indicator,
                actor=request.user,
                period_date=plan.period_start,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                evidence_ids=evidence_ids,
            )
        except ApplicationError as exc:
            form_error_show(form, exc)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("The realisation was saved."))
            return redirect("performance-indicator-detail", indicator.id)
    return render(
        request,
        "performance/realisation_form.html",
        {
            "form": form,
            "indicator": indicator,
            "skp": skp,
            "plan": plan,
            "plans": indicator.period_plans.order_by("period_start"),
            "suggested": suggested,
            "existing": existing,
        },
    )


# ---------------------------------------------------------------------------- evaluations


@require_http_methods(["GET", "POST"])
@login_required
def evaluation_create(request, skp_id: int):
    skp = selectors.skp_get_for(user=request.user, skp_id=skp_id)
    roles = _roles(skp, request.user)
    if not roles["is_assessor"]:
        raise PermissionDenied(_("Only the employee's assessor can rate them."))
    from_unit = selectors.unit_head_results_rating(employee=skp.employee, year=skp.year)
    form = forms.EvaluationForm(request.POST or None, initial={"kind": "ANNUAL"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_create(
                skp=skp,
                actor=request.user,
                kind=data["kind"],
                behaviour={name: data[name] for name, _label in BEHAVIOUR_VALUES},
                results_rating=data.get("results_rating") or None,
                behaviour_rating=data.get("behaviour_rating") or None,
                period_start=data.get("period_start"),
                period_end=data.get("period_end"),
                note=data.get("note", ""),
            )
        except ApplicationError as exc:
            form_error_show(form, exc)
        else:
            messages.success(request, _("The evaluation was saved."))
            return redirect("performance-evaluation-detail", evaluation.id)
    document = selectors.skp_document(skp=skp)
    progress = selectors.skp_progress(skp=document, on_date=user_today(request.user))
    return render(
        request,
        "performance/evaluation_form.html",
        {"form": form, "skp": document, "progress": progress, "from_unit": from_unit},
    )


@require_GET
@login_required
def evaluation_detail(request, evaluation_id: int):
    evaluation = selectors.evaluation_get_for(user=request.user, evaluation_id=evaluation_id)
    return render(request, "performance/evaluation_detail.html", {"evaluation": evaluation, "skp": evaluation.skp})


# ---------------------------------------------------------------------------- HR distribution


@require_http_methods(["GET", "POST"])
@login_required
def distribution(request):
    scope = org_scope.require_role(request.user, org_scope.HR_ADMIN, org_scope.AGENCY_HEAD)
    try:
        year = int(request.GET.get("year") or user_today(request.user).year)
    except ValueError:
        year = user_today(request.user).year
    units = Unit.objects.filter(agency_id=scope.agency_id).order_by("path")
    form = forms.UnitResultForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            services.unit_result_set(actor=request.user, year=year, **form.cleaned_data)
            messages.success(request, _("The unit's result was saved."))
            return redirect(f"{request.path}?year={year}")
    rows = selectors.distribution_for(user=scope, year=year)
    return render(
        request,
        "performance/distribution.html",
        {"rows": rows, "year": year, "form": form, "can_set": org_scope.HR_ADMIN in scope.roles},
    )
