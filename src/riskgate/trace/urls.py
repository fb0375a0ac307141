from django.urls import path, re_path

from . import views

app_name = "trace"
urlpatterns = [
    path("trace/", views.public_query, name="public"),
    # GS1 Digital Link, as a product's QR code carries it (the GTIN's check digit is checked by the form).
    re_path(r"^trace/01/(?P<gtin>\d{8,14})/(?P<key>10|21)/(?P<item>[^/]{1,20})/?$", views.digital_link, name="link"),
    path("trace/chain/", views.chain, name="chain"),
    path("trace/captures/", views.captures, name="captures"),
]
