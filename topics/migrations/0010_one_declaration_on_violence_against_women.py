"""The Declaration on the Elimination of Violence against Women was two records: one named by its
title, one by its symbol (A/RES/48/104, the General Assembly resolution that adopted it). They
become one, under the symbol. Whatever anyone linked to the titled record (sessions, meetings,
programmes, themes and tags, issuers, citations) moves to it, its address redirects there, and
what the loader remembers is merged alike, so the next load applies the fixtures' changes without
a conflict."""

from django.db import migrations

TITLED = "declaration-on-the-elimination-of-violence-against-women"
SYMBOL = "A/RES/48/104"


def merge_locations(first, second):
    if not first or first == second:
        return second
    return f"{first}; {second}" if second else first


def forward(apps, schema_editor):
    Document = apps.get_model("topics", "Document")
    kept = Document.objects.filter(normalized_symbol=SYMBOL).first()
    gone = Document.objects.filter(slug=TITLED, normalized_symbol=None).first()
    if kept is None or gone is None:
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    document_type, _ = ContentType.objects.get_or_create(app_label="topics", model="document")

    kept.issued_by.add(*gone.issued_by.all())
    for link in ("sessions", "meetings", "programmes"):
        getattr(kept, link).add(*getattr(gone, link).all())

    TaggedItem = apps.get_model("topics", "TaggedItem")
    tagged = TaggedItem.objects.filter(content_type=document_type)
    kept_tags = set(tagged.filter(object_id=kept.pk).values_list("tag_id", flat=True))
    tagged.filter(object_id=gone.pk, tag_id__in=kept_tags).delete()
    tagged.filter(object_id=gone.pk).update(object_id=kept.pk)

    Citation = apps.get_model("topics", "Citation")
    citations = Citation.objects.filter(content_type=document_type)
    for citation in citations.filter(object_id=gone.pk):
        same_source = citations.filter(object_id=kept.pk, source=citation.source_id).first()
        if same_source is None:
            citation.object_id = kept.pk
            citation.save(update_fields=["object_id"])
            continue
        same_source.location = merge_locations(same_source.location, citation.location)
        same_source.save(update_fields=["location"])
        same_source.passages.add(*citation.passages.all())
        citation.delete()

    FormerSlug = apps.get_model("topics", "FormerSlug")
    FormerSlug.objects.filter(content_type=document_type, slug=TITLED).delete()
    FormerSlug.objects.filter(content_type=document_type, object_id=gone.pk).update(
        object_id=kept.pk
    )
    FormerSlug.objects.create(content_type=document_type, object_id=kept.pk, slug=TITLED)
    SearchEntry = apps.get_model("topics", "SearchEntry")
    SearchEntry.objects.filter(kind="document", object_id=gone.pk).delete()
    gone.delete()
    _merge_memories(apps)


def _merge_memories(apps):
    LoadedRecord = apps.get_model("topics", "LoadedRecord")
    remembered = LoadedRecord.objects.filter(kind="documents")
    gone = remembered.filter(key=TITLED).first()
    if gone is None:
        return
    kept = remembered.filter(key=SYMBOL).first()
    if kept is not None:
        for links in ("issued_by", "themes"):
            kept.values[links] = list(
                dict.fromkeys([*kept.values.get(links, []), *gone.values.get(links, [])])
            )
        citations = kept.values.setdefault("citations", {})
        for source, location in gone.values.get("citations", {}).items():
            citations[source] = merge_locations(citations.get(source), location)
        kept.save(update_fields=["values"])
    gone.delete()
    for memory in LoadedRecord.objects.filter(kind__in=["sessions", "meetings", "programmes"]):
        documents = memory.values.get("documents") or []
        if TITLED in documents:
            memory.values["documents"] = list(
                dict.fromkeys(SYMBOL if key == TITLED else key for key in documents)
            )
            memory.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("kb_sessions", "0008_inferred_values"),
        ("topics", "0009_issuers_and_memberships"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
