from django import forms

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
