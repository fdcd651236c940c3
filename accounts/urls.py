from django.urls import path

from . import views

urlpatterns = [
    path("setup/", views.two_factor_setup, name="accounts_two_factor_setup"),
    path("verify/", views.two_factor_verify, name="accounts_two_factor_verify"),
]
