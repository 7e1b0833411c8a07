from django.shortcuts import render

from topics.models import Country, Document, Organisation, SourceDocument, Tag

from .models import Meeting, Session, Speaker


def home(request):
    counts = [
        ("meetings", Meeting.objects.count()),
        ("sessions", Session.objects.count()),
        ("speakers", Speaker.objects.count()),
        ("organisations", Organisation.objects.count()),
        ("resolutions and documents", Document.objects.count()),
        ("themes", Tag.objects.themes().count()),
        ("countries", Country.objects.count()),
        ("source documents", SourceDocument.objects.count()),
    ]
    return render(
        request,
        "home.html",
        {"counts": counts, "counts_total": sum(count for _, count in counts)},
    )
