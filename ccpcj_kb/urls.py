from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sessions.forms import AdminSignInForm, SignInForm
from topics.views import robots_txt, sitemap_index, sitemap_section

admin.site.login_form = AdminSignInForm

accounts = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm,
            extra_context={"failure_limit": settings.AXES_FAILURE_LIMIT},
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("api/v1/", include("api.urls")),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("sessions.urls")),
    path("", include("topics.urls")),
]
