from django.urls import path

from tasp.public_cache import public_page

from . import renewal_views, views

app_name = "membership"

urlpatterns = [
    path("", public_page("membership")(views.index), name="index"),
    path("quote/", views.quote, name="quote"),
    path("join/", views.join, name="join"),
    path("join/thanks/", views.join_done, name="join-done"),
    path(
        "representatives/confirm/<str:token>/",
        views.confirm_representative,
        name="confirm-representative",
    ),
    path("renew/", renewal_views.renew, name="renew"),
    path("renew/check/", renewal_views.renew_check, name="renew-check"),
    path("renew/decline/", views.decline, name="decline"),
    path("account/", views.account, name="account"),
    path("account/representatives/", views.change_representatives, name="representatives"),
    path("invoices/<str:number>/receipt.pdf", views.receipt_pdf, name="receipt-pdf"),
    path("invoices/<str:number>.pdf", views.invoice_pdf, name="invoice-pdf"),
    path("credit-notes/<str:number>.pdf", views.credit_note_pdf, name="credit-note-pdf"),
]
