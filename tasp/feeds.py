from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed


class AtomFeed(Feed):
    """The site's feeds: Atom (RFC 4287: the feed has an author, every entry an ``updated``),
    linking to the page named by ``index_url_name``."""

    feed_type = Atom1Feed
    index_url_name = ""

    def link(self):
        return reverse(self.index_url_name)

    def author_name(self):
        return settings.CHARITY["name"]

    def author_link(self):
        return settings.SITE_URL
