from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed


class AtomFeed(Feed):
    """The site's feeds: Atom, linking to the page named by ``index_url_name``."""

    feed_type = Atom1Feed
    index_url_name = ""

    def link(self):
        return reverse(self.index_url_name)
