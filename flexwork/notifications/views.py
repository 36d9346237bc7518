from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from flexwork.notifications.selectors import notification_list_for
from flexwork.notifications.services import notification_mark_all_read

PAGE_SIZE = 20


@require_GET
@login_required
def notification_list(request):
    paginator = Paginator(notification_list_for(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page})


@require_POST
@login_required
def notification_mark_all_read_view(request):
    notification_mark_all_read(user=request.user)
    return redirect("notification-list")
