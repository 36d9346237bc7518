from django.urls import path

from leave import views

urlpatterns = [
    path("leave/balance/", views.balance_page, name="leave-balance"),
    path("leave/preview/", views.preview_fragment, name="leave-preview"),
    path("leave/requests/<int:leave_id>/form.pdf", views.leave_form_pdf, name="leave-request-form"),
    path("hr/leave-balances/", views.hr_balances_page, name="hr-leave-balances"),
    path("hr/leave-balances/correct/", views.hr_balance_correct, name="hr-leave-balance-correct"),
    path("hr/leave-balances/import/", views.hr_balance_import_page, name="hr-leave-balance-import"),
]
