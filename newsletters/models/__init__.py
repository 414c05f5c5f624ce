"""The newsletters app's models, by concern; import them from here."""

from .content import (  # noqa: F401
    MAIN_NEWSLETTER_SLUG,
    RESERVED_SLUGS,
    Issue,
    IssueImage,
    IssueQuerySet,
    Item,
    Newsletter,
    NewsletterQuerySet,
    Section,
    html_to_text,
    sanitise_html,
)
from .engagement import SendLink, SendOpen  # noqa: F401
from .imports import (  # noqa: F401
    IMPORT_LEASE,
    SubscriberImport,
    SubscriberImportQuerySet,
)
from .sends import (  # noqa: F401
    Batch,
    BatchQuerySet,
    Delivery,
    DeliveryQuerySet,
    Send,
    SendQuerySet,
    backoff_seconds,
)
from .signups import PendingSignup, PendingSignupQuerySet  # noqa: F401
from .subscribers import (  # noqa: F401
    UNSUBSCRIBE_SALT,
    ErasedAddress,
    ErasedAddressQuerySet,
    Subscriber,
    SubscriberQuerySet,
    Subscription,
)
