"""A bare Django site that answers "hello": the floor the page benchmark measures the site's
pages against, served by the same server in the same run. No middleware, no database, no
templates. Only the benchmark starts it (DJANGO_SETTINGS_MODULE=benchmarks.hello); the site's
own settings and URLs never include it."""

from django.http import HttpResponse
from django.urls import path

DEBUG = False
SECRET_KEY = "benchmark-only"
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "benchmarks.hello"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("", hello)]
