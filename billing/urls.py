from django.urls import path

from . import views

app_name = "billing"

# Mounted under /membership/ (the addresses in emailed links and Stripe's webhook settings).
urlpatterns = [
    path("pay/success/", views.pay_success, name="pay-success"),
    path("pay/<str:token>/", views.invoice_pay, name="invoice-pay"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
]
