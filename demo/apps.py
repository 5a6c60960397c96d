from django.apps import AppConfig


class DemoConfig(AppConfig):
    """``manage.py seed_demo``: the demo data of every app, and the demo logins.

    It sits above the other apps because it builds data for all of them (records' people,
    accounts' logins, the help centre's articles); it has no models.
    """

    name = "demo"
