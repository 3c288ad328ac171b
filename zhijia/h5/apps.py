from django.apps import AppConfig


class H5Config(AppConfig):
    name = "zhijia.h5"
    label = "h5"
