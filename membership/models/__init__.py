"""The membership app's models, by concern; import them from here."""

from .drafts import RenewalDraft  # noqa: F401
from .memberships import (  # noqa: F401
    Membership,
    MembershipChange,
    MembershipQuerySet,
    Representative,
)
from .organisations import (  # noqa: F401
    Organisation,
    OrganisationQuerySet,
    Person,
)
from .reminders import (  # noqa: F401
    ReminderRule,
    SentReminder,
)
from .years import (  # noqa: F401
    FeeBand,
    FeeSchedule,
    MembershipYear,
    MembershipYearQuerySet,
)
