# The production image: exactly the packages pyproject.toml declares, pinned by constraints.txt.
# The production stage of `make test` (tests/production/) runs these same steps on the machine.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 1000 tasp
WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
COPY tasp tasp
COPY accounts accounts
COPY billing billing
COPY membership membership
COPY newsletters newsletters
COPY vacancies vacancies
COPY resources resources
COPY events events
RUN pip install -c constraints.txt .

COPY manage.py Procfile ./
COPY scripts scripts
COPY templates templates
COPY static static
# collectstatic needs settings to load; these throwaway values never reach a running container.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost SITE_URL=http://localhost \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/var/media /app/var/private && chown -R tasp:tasp /app/var

USER tasp
EXPOSE 8000
# web, worker and beat: scripts/start (docker-compose.yml and the Procfile use it too).
CMD ["scripts/start", "web"]
