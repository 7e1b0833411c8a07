"""Writes that span several models."""

from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from topics.models import Citation, Country, Document, Organisation, SourceDocument, Tag, TaggedItem

from .fixtures import KnowledgeBase, Record, fixture_paths, read_fixtures
from .models import Appearance, Meeting, Session, Speaker


def load_knowledge_base(*, directory: Path) -> dict[str, int]:
    """Validate every fixture in ``directory``, then create or update its records in one
    transaction. Returns how many records of each kind the fixtures hold.

    Loading is idempotent. Records added in the admin, and tags added by people, are kept.
    """
    knowledge_base = read_fixtures(fixture_paths(directory))
    with transaction.atomic():
        _KnowledgeBaseWriter(knowledge_base).write()
    counts = {"sources": len(knowledge_base.sources)}
    counts.update({kind: len(records) for kind, records in knowledge_base.records.items()})
    counts["appearances"] = sum(
        len(record.values["speakers"]) for record in knowledge_base.records["sessions"].values()
    )
    return counts


class _KnowledgeBaseWriter:
    def __init__(self, knowledge_base: KnowledgeBase):
        self.knowledge_base = knowledge_base
        self.sources: dict[str, SourceDocument] = {}
        self.objects: dict[str, dict[str, models.Model]] = {}

    def records(self, kind: str) -> list[Record]:
        return list(self.knowledge_base.records[kind].values())

    def get(self, kind: str, key: str | None):
        return None if key is None else self.objects[kind][key]

    def write(self) -> None:
        for slug, values in self.knowledge_base.sources.items():
            fields = {k: v for k, v in values.items() if k not in ("slug", "file")}
            fields["file_name"] = values["file"]
            self.sources[slug], _ = SourceDocument.objects.update_or_create(
                slug=slug, defaults=fields
            )

        self.save_all(
            "themes",
            Tag,
            lambda v: {"name": v["name"], "description": v["description"], "is_theme": True},
        )
        self.save_all(
            "countries",
            Country,
            lambda v: {"name": v["name"], "ccpcj_member": bool(v["ccpcj_member"])},
        )
        self.save_all(
            "organisations",
            Organisation,
            lambda v: {
                "name": v["name"],
                "acronym": v["acronym"],
                "kind": v["kind"],
                "country": self.get("countries", v["country"]),
                "description": v["description"],
            },
        )
        # Parents are set once every organisation exists.
        for record in self.records("organisations"):
            organisation = self.objects["organisations"][record.key]
            parent = self.get("organisations", record.values["parent"])
            if organisation.parent != parent:
                organisation.parent = parent
                organisation.save(update_fields=["parent"])
        self.save_all(
            "documents",
            Document,
            lambda v: {
                "symbol": v["symbol"],
                "kind": v["kind"],
                "issued_by": self.get("organisations", v["issued_by"]),
                "year": v["year"],
                "title": v["title"],
                "popular_name": v["popular_name"],
                "description": v["description"],
            },
        )
        self.save_all(
            "speakers",
            Speaker,
            lambda v: {
                "name": v["name"],
                "honorific": v["honorific"],
                "function": v["function"],
                "organisation": self.get("organisations", v["organisation"]),
                "country": self.get("countries", v["country"]),
            },
        )
        self.save_all(
            "meetings",
            Meeting,
            lambda v: {
                "name": v["name"],
                "kind": v["kind"],
                "number": v["number"],
                "city": v["city"],
                "venue": v["venue"],
                "country": self.get("countries", v["country"]),
                "start_date": v["start_date"],
                "end_date": v["end_date"],
                "description": v["description"],
            },
        )
        self.save_all(
            "sessions",
            Session,
            lambda v: {
                "meeting": self.get("meetings", v["meeting"]),
                "title": v["title"],
                "kind": v["kind"],
                "date": v["date"],
                "start_time": v["start_time"],
                "end_time": v["end_time"],
                "has_notes": v["has_notes"],
                "notes": v["notes"],
                "note_taker": v["note_taker"],
                "note_taker_organisation": self.get("organisations", v["note_taker_organisation"]),
            },
        )
        self.write_links()
        self.write_citations()

    def save_all(self, kind: str, model: type[models.Model], defaults) -> None:
        self.objects[kind] = {}
        for record in self.records(kind):
            instance, _ = model.objects.update_or_create(
                slug=record.values["slug"], defaults=defaults(record.values)
            )
            self.objects[kind][record.key] = instance

    def write_links(self) -> None:
        for record in self.records("documents"):
            self.set_themes(self.objects["documents"][record.key], record.values["themes"])
        for record in self.records("meetings"):
            meeting = self.objects["meetings"][record.key]
            meeting.documents.set(
                [self.get("documents", key) for key in record.values["documents"]]
            )
            self.set_themes(meeting, record.values["themes"])
        for record in self.records("sessions"):
            session = self.objects["sessions"][record.key]
            values = record.values
            session.organisations.set(
                [self.get("organisations", k) for k in values["organisations"]]
            )
            session.documents.set([self.get("documents", k) for k in values["documents"]])
            session.countries.set([self.get("countries", k) for k in values["countries"]])
            self.set_themes(session, values["themes"])
            self.set_appearances(session, values["speakers"])

    def set_themes(self, instance: models.Model, theme_keys: list[str]) -> None:
        """Give ``instance`` exactly the fixture's themes, leaving tags added by people (on the
        site or in the admin) alone."""
        content_type = ContentType.objects.get_for_model(instance)
        wanted = [self.objects["themes"][key] for key in theme_keys]
        TaggedItem.objects.filter(
            content_type=content_type, object_id=instance.pk, from_fixtures=True
        ).exclude(tag__in=wanted).delete()
        for tag in wanted:
            TaggedItem.objects.get_or_create(
                content_type=content_type,
                object_id=instance.pk,
                tag=tag,
                defaults={"from_fixtures": True},
            )

    def set_appearances(self, session: Session, speakers: list[dict]) -> None:
        kept = []
        for order, appearance in enumerate(speakers):
            speaker = self.objects["speakers"][appearance["speaker"]]
            Appearance.objects.update_or_create(
                session=session,
                speaker=speaker,
                defaults={
                    "role": appearance["role"],
                    "affiliation": appearance["affiliation"],
                    "order": order,
                },
            )
            kept.append(speaker.pk)
        session.appearances.exclude(speaker__in=kept).delete()

    def write_citations(self) -> None:
        for kind, instances in self.objects.items():
            for key, instance in instances.items():
                record = self.knowledge_base.records[kind][key]
                content_type = ContentType.objects.get_for_model(instance)
                cited_by = []
                for source_slug, location in record.citations:
                    source = self.sources[source_slug]
                    Citation.objects.update_or_create(
                        source=source,
                        content_type=content_type,
                        object_id=instance.pk,
                        defaults={"location": location},
                    )
                    cited_by.append(source.pk)
                Citation.objects.filter(
                    content_type=content_type,
                    object_id=instance.pk,
                    source__in=self.sources.values(),
                ).exclude(source__in=cited_by).delete()
