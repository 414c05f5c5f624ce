"""The vacancies app's models, by concern; import them from here."""

# Old migrations name the job pack's validator by this path.
from ..validators import validate_job_pack  # noqa: F401
from .adverts import (  # noqa: F401
    BILLING_FIELDS,
    JOB_PACK_FOLDER,
    LONDON,
    VACANCY_FIELDS,
    JobPackField,
    JobPackFieldFile,
    PaymentState,
    Vacancy,
    VacancyQuerySet,
    VacancyStatusChange,
    job_pack_path,
    sanitise_description,
)
from .alerts import (  # noqa: F401
    AlertFilter,
    VacancyAlert,
)
from .pricing import (  # noqa: F401
    VacancyPricing,
)
