"""Worker H5: the e-member card and "my data" (personal-data rights). Mounted at /h5/card/."""

from django.urls import path

from . import card

urlpatterns = [
    path("", card.card_page, name="member_card"),
    path("code/", card.card_code, name="member_card_code"),
    path("my-data/", card.my_data, name="my_data"),
    path("my-data/export.json", card.my_data_export, name="my_data_export"),
    path("my-data/consents/give/", card.consent_give, name="consent_give"),
    path("my-data/consents/<uuid:pk>/withdraw/", card.consent_withdraw, name="consent_withdraw"),
    path("my-data/requests/", card.data_request_create, name="data_request_create"),
]
