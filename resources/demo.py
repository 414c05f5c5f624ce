"""Demo resources: the ADCS summary of the 2021 national safeguarding reports (from the
newsletters the product was conceived from), "a day in the life" guides and conference slides,
with each kind of access."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from .models import Audience, Resource, Topic

TOPICS = {
    "independent-scrutiny": "Independent scrutiny",
    "national-panel": "The National Panel",
    "yearly-reports": "Yearly reports",
    "children-and-families": "Engaging children and families",
}

RESOURCES = [
    {
        "title": "National safeguarding reports 2021: summary and key points for ADCS",
        "kind": Resource.Kind.BRIEFING,
        "access": Resource.Access.MEMBERS,
        "summary": "The Child Safeguarding Practice Review Panel's annual report, the review of "
        "safeguarding partners' yearly reports and what they mean for partnerships, in key "
        "points.",
        "body": "<p>Only 11 of 68 yearly reports evidenced the Working Together requirements in "
        "full. The best reports used a range of evidence (data, inspection, multi-agency audit, "
        "workforce feedback and the views of children and families) to set priorities and "
        "evaluate their impact.</p><p>Weaker reports were descriptive rather than evaluative. "
        "Independent scrutiny was not always focused on the impact for children.</p>",
        "topics": ["national-panel", "yearly-reports", "independent-scrutiny"],
        "audiences": ["business-managers", "independent-scrutineers", "statutory-partners"],
        "file": ("national-reports-2021-summary.txt", "Summary and key points for ADCS.\n"),
        "days_ago": 40,
    },
    {
        "title": "A day in the life of an Independent Scrutineer",
        "kind": Resource.Kind.GUIDE,
        "access": Resource.Access.MEMBERS_FIRST,
        "public_in_days": 60,
        "summary": "What an independent scrutineer does in a week, from reading the data to "
        "challenging the three safeguarding partners, told by scrutineers.",
        "body": "<p>Scrutiny starts with the partnership's own evidence: what children and "
        "families say, what the data shows and what audits found.</p>",
        "topics": ["independent-scrutiny"],
        "audiences": ["independent-scrutineers", "partnership-chairs"],
        "file": None,
        "days_ago": 20,
    },
    {
        "title": "Annual conference 2027: keynote slides",
        "kind": Resource.Kind.SLIDES,
        "access": Resource.Access.MEMBERS,
        "summary": "The keynote speakers' slides on the role of the three safeguarding partners "
        "and the National Panel.",
        "body": "",
        "topics": ["national-panel"],
        "audiences": ["business-managers", "statutory-partners"],
        "file": ("conference-keynote-slides.txt", "Keynote slides (demo file).\n"),
        "days_ago": 5,
    },
    {
        "title": "Writing the partnership's yearly report: a checklist",
        "kind": Resource.Kind.GUIDE,
        "access": Resource.Access.PUBLIC,
        "summary": "What Working Together asks a yearly report to cover, and how the best "
        "reports show impact rather than describe activity.",
        "body": "<ul><li>Evidence of impact, not a list of actions.</li><li>Early help, children "
        "in care and care leavers.</li><li>The learning from reviews and what changed.</li></ul>",
        "topics": ["yearly-reports", "children-and-families"],
        "audiences": ["business-managers"],
        "file": ("yearly-report-checklist.txt", "Yearly report checklist (demo file).\n"),
        "days_ago": 60,
    },
]


def seed_demo(*, staff):
    topics = {
        slug: Topic.objects.update_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in TOPICS.items()
    }
    audiences = {audience.slug: audience for audience in Audience.objects.all()}
    today = timezone.localdate()
    for spec in RESOURCES:
        public_in = spec.get("public_in_days")
        resource, _ = Resource.objects.update_or_create(
            title=spec["title"],
            defaults={
                "kind": spec["kind"],
                "access": spec["access"],
                "public_from": today + timedelta(days=public_in) if public_in else None,
                "summary": spec["summary"],
                "body": spec["body"],
                "published_on": today - timedelta(days=spec["days_ago"]),
            },
        )
        if spec["file"] and not resource.file:
            name, text = spec["file"]
            resource.file.save(name, ContentFile(text.encode()), save=True)
        resource.topics.set(topics[slug] for slug in spec["topics"])
        resource.audiences.set(audiences[slug] for slug in spec["audiences"] if slug in audiences)
    yield f"{len(RESOURCES)} resources (members only, members first, public)"
