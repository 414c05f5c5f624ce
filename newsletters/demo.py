"""Demo newsletters from the seeds (TASP's own issues of 2019 and 2020) and demo subscribers."""

from collections.abc import Iterator
from datetime import date, datetime, time

from django.utils import timezone

from .models import Issue, Item, Newsletter, Section, Send, Subscriber, Subscription

ISSUES = [
    {
        "title": "Newsletter - Spring 2020",
        "issued_on": date(2020, 3, 16),
        "welcome": (
            "<p>Welcome to our latest newsletter. The risks posed by COVID 19 are having a significant "
            "impact on us all. Situations like this give cause for all to stop and think about our "
            "vulnerability, and the part we all play in facing up to such challenges.</p>"
            "<p>In this newsletter we bring to your attention a number of key recent publications, "
            "which serve to inform how partners and partnerships continue to shape their local "
            "arrangements, and further details about our conference in June.</p>"
        ),
        "sections": [
            (
                "TASP Update",
                [
                    (
                        "TASP Conference - Strengthening Safeguarding Partnerships",
                        "<p>The inaugural annual conference of TASP will be held on 24th and 25th June 2020: "
                        "the first opportunity for all lead safeguarding partners to reflect nationally on "
                        "the new arrangements.</p>",
                    ),
                    (
                        "TASP Membership Renewal",
                        "<p>Membership renewal requests will be distributed this week, with details of rates "
                        "and flexibility for new partnership structures.</p>",
                    ),
                    (
                        "TASP Trustee Position",
                        "<p>Our constitution allows for up to twelve trustees. If you would like to be a "
                        "trustee, or to recommend someone, please contact the TASP office.</p>",
                    ),
                    (
                        "Review of New Arrangements",
                        "<p>TASP have agreed to support Sir Alan Wood in the second phase of his work.</p>",
                    ),
                ],
            ),
            (
                "National News",
                [
                    (
                        "New Parliamentary Under-Secretary of State for Children appointed",
                        "<p>Vicky Ford MP has been appointed to the role.</p>",
                    ),
                    (
                        "Ofsted Annual Report 2018-2019",
                        "<p>The report met with a number of responses, including from the LGA and ADCS.</p>",
                    ),
                ],
            ),
            (
                "Spotlight on... Some Significant New Publications",
                [
                    (
                        "Typology of CSA Offending",
                        "<p>The Centre of expertise on child sexual abuse has published its typology of "
                        "offending, a helpful contribution to understanding child sexual abuse.</p>",
                    ),
                    (
                        "Adverse Childhood Experiences: What we Know and Don't Know",
                        "<p>A report from the Early Intervention Foundation.</p>",
                    ),
                    (
                        "Complexity & Challenge: A Triennial Analysis of Serious Case Reviews 2014-2017",
                        "<p>Published by Research in Practice, with resources to apply the learning.</p>",
                    ),
                ],
            ),
        ],
    },
    {
        "title": "What will a good new arrangement look like?",
        "issued_on": date(2019, 10, 14),
        "welcome": (
            "<p>As partnerships settle into their new arrangements, this issue asks what a good "
            "arrangement looks like, and sets out TASP's membership offer for 2019/20 and beyond.</p>"
        ),
        "sections": [
            (
                "TASP Update",
                [
                    (
                        "Membership 2019/20",
                        "<p>Membership for 2019/20 is £1,500 for a partnership focused on a single local "
                        "authority area. From April 2020 the fee is tiered by the number of named "
                        "representatives.</p>",
                    ),
                    (
                        "Vacancies",
                        "<p>Our vacancy pages regularly have Independent Scrutineer posts advertised. "
                        "Advertising is free for members and £650 for non-members.</p>",
                    ),
                ],
            ),
            (
                "Your Contributions",
                [
                    (
                        "Share your learning",
                        "<p>Tell us what is working in your partnership so others can learn from it.</p>",
                    ),
                ],
            ),
        ],
    },
    {
        "title": "All change?",
        "issued_on": date(2019, 9, 2),
        "welcome": (
            "<p>Local safeguarding children boards have given way to safeguarding partnerships. "
            "This issue looks at what has changed, and what has not.</p>"
        ),
        "sections": [
            (
                "National News",
                [
                    (
                        "New arrangements in place",
                        "<p>All areas have now published their new multi-agency safeguarding "
                        "arrangements.</p>",
                    ),
                ],
            ),
        ],
    },
]


def seed_demo(*, staff) -> Iterator[str]:
    newsletter, _ = Newsletter.objects.update_or_create(
        slug="tasp-newsletter",
        defaults={
            "name": "TASP Newsletter",
            "description": "News for safeguarding partnerships, each season.",
        },
    )
    Newsletter.objects.update_or_create(
        slug="vacancy-alerts",
        defaults={
            "name": "Vacancy alerts",
            "description": "New vacancies, such as Independent Scrutineer posts.",
        },
    )
    for data in ISSUES:
        issue, _ = Issue.objects.update_or_create(
            newsletter=newsletter,
            title=data["title"],
            defaults={
                "issued_on": data["issued_on"],
                "welcome": data["welcome"],
                "signoff_name": "Richard Burrows",
                "signoff_role": "TASP Chair",
                "status": Issue.Status.SENT,
            },
        )
        issue.sections.all().delete()
        for position, (heading, items) in enumerate(data["sections"], start=1):
            section = Section.objects.create(issue=issue, heading=heading, position=position)
            for n, (title, body) in enumerate(items, start=1):
                Item.objects.create(section=section, title=title, body=body, position=n)
        sent_at = timezone.make_aware(datetime.combine(data["issued_on"], time(9)))
        Send.objects.update_or_create(
            issue=issue,
            newsletter=newsletter,
            defaults={
                "status": Send.Status.SENT,
                "scheduled_at": sent_at,
                "started_at": sent_at,
                "finished_at": sent_at,
            },
        )
    existing = set(
        Subscriber.objects.filter(email__endswith="@example.org").values_list("email", flat=True)
    )
    new = [
        Subscriber(
            email=f"reader{n:03d}@example.org",
            name=f"Demo Reader {n}",
            organisation="Example Safeguarding Partnership",
            status=Subscriber.Status.ACTIVE,
            consent_at=timezone.now(),
            consent_wording="Demo data",
        )
        for n in range(1, 301)
        if f"reader{n:03d}@example.org" not in existing
    ]
    Subscriber.objects.bulk_create(new)
    subscribed = set(
        Subscription.objects.filter(newsletter=newsletter).values_list("subscriber_id", flat=True)
    )
    Subscription.objects.bulk_create(
        [
            Subscription(subscriber=s, newsletter=newsletter)
            for s in Subscriber.objects.filter(email__startswith="reader").exclude(
                pk__in=subscribed
            )
        ]
    )
    yield f"{len(ISSUES)} sent issues, {Subscriber.objects.count()} subscribers"
