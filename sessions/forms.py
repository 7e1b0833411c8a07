from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from topics.services import MAX_TAG_LENGTH

from .models import Annotation


class TagForm(forms.Form):
    name = forms.CharField(
        label="Add a tag",
        max_length=MAX_TAG_LENGTH,
        widget=forms.TextInput(attrs={"list": "tag-suggestions", "autocomplete": "off"}),
    )


class AnnotationForm(forms.ModelForm):
    class Meta:
        model = Annotation
        fields = ["body", "visibility"]
        labels = {"body": "Your annotation", "visibility": "Who can read it"}
        widgets = {
            "body": forms.Textarea(attrs={"rows": 5}),
            "visibility": forms.RadioSelect,
        }


class BoundedUsernameMixin:
    """Refuses a username longer than any account's as a form error. Django's sign-in form only
    sets the input's maxlength, so an over-long name reached django-axes, which failed to record
    the attempt (a server error on PostgreSQL)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class SignInForm(BoundedUsernameMixin, AuthenticationForm):
    pass


class AdminSignInForm(BoundedUsernameMixin, AdminAuthenticationForm):
    pass
