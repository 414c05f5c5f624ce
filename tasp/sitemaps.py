"""The sitemap search engines read (/sitemap.xml): the public pages and every public issue,
vacancy, event and resource."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class SiteSitemap(Sitemap):
    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme or "https"


class PagesSitemap(SiteSitemap):
    def items(self):
        return [
            "home",
            "newsletters:index",
            "membership:index",
            "vacancies:index",
            "events:index",
            "resources:index",
            "privacy",
        ]

    def location(self, item):
        return reverse(item)


class IssuesSitemap(SiteSitemap):
    def items(self):
        from newsletters.models import Issue

        return Issue.objects.archived()

    def lastmod(self, issue):
        return issue.updated_at


class VacanciesSitemap(SiteSitemap):
    def items(self):
        from vacancies.models import Vacancy

        return Vacancy.objects.open()

    def lastmod(self, vacancy):
        return vacancy.updated_at


class EventsSitemap(SiteSitemap):
    def items(self):
        from events.models import Event

        return Event.objects.listed()


class ResourcesSitemap(SiteSitemap):
    def items(self):
        from resources.models import Resource

        return Resource.objects.listed()

    def lastmod(self, resource):
        return resource.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "issues": IssuesSitemap,
    "vacancies": VacanciesSitemap,
    "events": EventsSitemap,
    "resources": ResourcesSitemap,
}
