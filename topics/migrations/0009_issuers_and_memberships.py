"""A document may have several issuers; Commission membership becomes a record of its own, with
the source that lists it and the date that source speaks for.

The data moves with it: each document keeps its issuer, and each country marked as a member
becomes a membership listed by the background guide. What the loader remembers of each record is
rewritten in the new shape, so the next load tells the fixtures' changes from editors' changes as
before (a membership an editor had removed stays removed)."""

import django.db.models.deletion
from django.db import migrations, models

COMMISSION = "ccpcj"
GUIDE = "ccpcj-background-guide"


def membership_slug(country_key):
    return f"{country_key}-in-{COMMISSION}-per-{GUIDE}"


def forward(apps, schema_editor):
    Document = apps.get_model("topics", "Document")
    Country = apps.get_model("topics", "Country")
    Organisation = apps.get_model("topics", "Organisation")
    SourceDocument = apps.get_model("topics", "SourceDocument")
    Membership = apps.get_model("topics", "Membership")
    Citation = apps.get_model("topics", "Citation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LoadedRecord = apps.get_model("topics", "LoadedRecord")

    Issuers = Document.issued_by.through
    Issuers.objects.bulk_create(
        Issuers(document_id=pk, organisation_id=issuer)
        for pk, issuer in Document.objects.exclude(sole_issuer=None).values_list(
            "pk", "sole_issuer_id"
        )
    )
    for memory in LoadedRecord.objects.filter(kind="documents"):
        issuer = memory.values.get("issued_by")
        memory.values["issued_by"] = [issuer] if issuer else []
        memory.save(update_fields=["values"])

    body = Organisation.objects.filter(slug=COMMISSION).first()
    guide = SourceDocument.objects.filter(slug=GUIDE).first()
    remembered = {m.key: m for m in LoadedRecord.objects.filter(kind="countries")}
    memories = []
    for memory in remembered.values():
        if memory.values.pop("ccpcj_member", False) and body and guide:
            location = memory.values.get("citations", {}).get(GUIDE)
            memories.append(
                LoadedRecord(
                    kind="memberships",
                    key=membership_slug(memory.key),
                    values={
                        "slug": membership_slug(memory.key),
                        "country": memory.key,
                        "body": COMMISSION,
                        "source": GUIDE,
                        "as_of": None,
                        "citations": {GUIDE: location} if location else {},
                    },
                )
            )
        memory.save(update_fields=["values"])
    LoadedRecord.objects.bulk_create(memories)
    if not (body and guide):
        return

    country_type = ContentType.objects.get_for_model(Country)
    membership_type, _ = ContentType.objects.get_or_create(
        app_label="topics", model="membership"
    )
    keys = {pk: key for key, memory in remembered.items() if (pk := _pk(Country, key))}
    for country in Country.objects.filter(ccpcj_member=True):
        membership = Membership.objects.create(
            slug=membership_slug(keys.get(country.pk, country.slug)),
            country=country,
            body=body,
            source=guide,
        )
        cited = Citation.objects.filter(
            content_type=country_type, object_id=country.pk, source=guide
        ).first()
        if cited:
            Citation.objects.create(
                content_type=membership_type,
                object_id=membership.pk,
                source=guide,
                location=cited.location,
            )


def _pk(model, slug):
    return model.objects.filter(slug=slug).values_list("pk", flat=True).first()


def backward(apps, schema_editor):
    Document = apps.get_model("topics", "Document")
    Country = apps.get_model("topics", "Country")
    Membership = apps.get_model("topics", "Membership")
    LoadedRecord = apps.get_model("topics", "LoadedRecord")
    for document in Document.objects.prefetch_related("issued_by"):
        issuers = list(document.issued_by.all())
        if issuers:
            document.sole_issuer = issuers[0]
            document.save(update_fields=["sole_issuer"])
    for memory in LoadedRecord.objects.filter(kind="documents"):
        issuers = memory.values.get("issued_by") or []
        memory.values["issued_by"] = issuers[0] if issuers else None
        memory.save(update_fields=["values"])
    members = set(
        Membership.objects.filter(body__slug=COMMISSION).values_list("country_id", flat=True)
    )
    Country.objects.filter(pk__in=members).update(ccpcj_member=True)
    listed = {
        m.values["country"]
        for m in LoadedRecord.objects.filter(kind="memberships")
        if m.values.get("body") == COMMISSION
    }
    for memory in LoadedRecord.objects.filter(kind="countries"):
        memory.values["ccpcj_member"] = memory.key in listed
        memory.save(update_fields=["values"])
    LoadedRecord.objects.filter(kind="memberships").delete()
    # Citations point to their records without a database constraint: drop the memberships'.
    Citation = apps.get_model("topics", "Citation")
    Citation.objects.filter(
        content_type__app_label="topics", content_type__model="membership"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("topics", "0008_search_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="issued_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="topics.organisation",
            ),
        ),
        migrations.RenameField(model_name="document", old_name="issued_by", new_name="sole_issuer"),
        migrations.AddField(
            model_name="document",
            name="issued_by",
            field=models.ManyToManyField(
                blank=True,
                help_text="Adopting body or publishers (several where a document was developed jointly).",
                related_name="documents",
                to="topics.organisation",
            ),
        ),
        migrations.CreateModel(
            name="Membership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.SlugField(blank=True, help_text="Made from the names if left empty.", max_length=200, unique=True)),
                (
                    "as_of",
                    models.DateField(
                        blank=True,
                        help_text="The date the source's list speaks for; empty where the source does not say.",
                        null=True,
                        verbose_name="as of",
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="members", to="topics.organisation"),
                ),
                (
                    "country",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="topics.country"),
                ),
                (
                    "source",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="memberships", to="topics.sourcedocument"),
                ),
            ],
            options={
                "ordering": ["body__name", "country__name"],
                "constraints": [
                    models.UniqueConstraint(fields=("country", "body", "source"), name="one_membership_per_listing")
                ],
            },
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="document", name="sole_issuer"),
        migrations.RemoveField(model_name="country", name="ccpcj_member"),
    ]
