"""The issue editor: what staff write an issue's welcome and items with, and the checks on it.

The editor (django-prose-editor) offers only what the email shows (tasp.html.EMAIL_TAGS). What
it sends is checked before it is cleaned: a link the email cannot carry (``javascript:``, a
relative address) and an image not uploaded here or without alternative text are refused with
a message saying which, never dropped without a word. Images are uploaded with their
alternative text on the picker page the editor's image dialog opens (``image_picker``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse_lazy
from django_prose_editor.widgets import AdminProseEditorWidget

from .models import Issue, IssueImage, Item, sanitise_html

FORMATTING = {
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": {"enableListAttributes": False},  # the sanitiser keeps no list attributes
    "ListItem": True,
    "Link": {"enableTarget": False},
    # An image goes in as a figure: the dialog asks for its address and alternative text, and
    # its Browse button opens the picker, where images are uploaded.
    "Figure": {"pickerUrl": reverse_lazy("admin:newsletters_issueimage_picker")},
    "Image": True,
    "Caption": True,
}
# The welcome sits under the issue's title and has no headings of its own (one would skip a
# level); an item's text, under the item's title (h3), may have subheadings (h4).
WELCOME_EXTENSIONS = FORMATTING
ITEM_EXTENSIONS = {**FORMATTING, "Heading": {"levels": [4]}}


class EditorWidget(AdminProseEditorWidget):
    """The configurable editor with the site's own extension (static/js/issue-editor.js): no
    inline styles (the Content Security Policy refuses them) and a name from the field's label.
    It is the editor's alone, so it is left out of what the sanitiser is derived from."""

    def get_config(self):
        config = super().get_config()
        return config | {
            "extensions": {**config["extensions"], "AdminEditor": True},
            "js_modules": [*config["js_modules"], static("js/issue-editor.js")],
        }


def editor(extensions: dict) -> EditorWidget:
    return EditorWidget(config={"extensions": extensions}, preset="configurable")


class _Collector(HTMLParser):
    """The links and images in some HTML, with each link's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[list[str]] = []  # [href, text]
        self.images: list[dict[str, str]] = []
        self._open_link: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in attributes:
            self._open_link = [attributes["href"], ""]
            self.links.append(self._open_link)
        elif tag == "img":
            self.images.append(attributes)

    def handle_endtag(self, tag):
        if tag == "a":
            self._open_link = None

    def handle_data(self, data):
        if self._open_link is not None:
            self._open_link[1] += data


def _link_problem(href: str) -> str | None:
    # Browsers ignore whitespace and control characters in a scheme ("java\tscript:").
    address = re.sub(r"[\x00-\x20]", "", href)
    parts = urlsplit(address)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return None
    if parts.scheme.lower() == "mailto" and parts.path:
        return None
    return (
        f"goes to “{href.strip()}”: a link must be a full web address (starting https:// or "
        "http://) or an email address (mailto:)"
    )


def check_html(html: str) -> str:
    """``html`` cleaned by the site's policy, or a ValidationError naming each link the email
    cannot carry and each image that is not an upload or has no alternative text."""
    found = _Collector()
    found.feed(html or "")
    found.close()
    errors = []
    for href, text in found.links:
        if problem := _link_problem(href):
            errors.append(f"The link “{' '.join(text.split()) or href}” {problem}.")
    uploads = IssueImage.by_address(image.get("src", "") for image in found.images)
    for image in found.images:
        src = image.get("src", "")
        upload = uploads.get(src)
        if upload is None:
            errors.append(
                f"The image “{src.strip() or '(no address)'}” is not one uploaded for "
                "newsletters: choose Browse… in the image dialog to upload it with its "
                "description, then insert it from there."
            )
        elif not image.get("alt", "").strip():
            errors.append(
                f"The image “{upload.alt_text}” has no alternative text here: every image needs "
                "a description for people who cannot see it. Fill in “Alternative Text” in the "
                "image dialog."
            )
    if errors:
        raise ValidationError(errors)
    # Uploads are kept by the site's own path, which the email makes a full address.
    uploads_url = IssueImage.uploads_url()
    html = html.replace(f'src="{settings.SITE_URL}{uploads_url}', f'src="{uploads_url}')
    return sanitise_html(html)


class EditorForm(forms.ModelForm):
    """A model form whose fields written in the editor are checked (``check_html``)."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if isinstance(field.widget, EditorWidget) and name in cleaned:
                try:
                    cleaned[name] = check_html(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class IssueForm(EditorForm):
    class Meta:
        model = Issue
        fields = ["welcome"]  # the admin's fieldsets name the rest
        widgets = {"welcome": editor(WELCOME_EXTENSIONS)}


class ItemForm(EditorForm):
    class Meta:
        model = Item
        fields = ["body"]  # the inline's fields name the rest
        widgets = {"body": editor(ITEM_EXTENSIONS)}


class IssueImageForm(forms.ModelForm):
    class Meta:
        model = IssueImage
        fields = ["image", "alt_text"]
        labels = {"alt_text": "Alternative text"}
        error_messages = {
            "alt_text": {
                "required": "Describe the image for people who cannot see it: an image without "
                "alternative text cannot go in an email."
            }
        }


def image_picker(request, model_admin):
    """The page the editor's image dialog opens (its Browse… button): upload an image with its
    description, or pick one uploaded before; choosing one fills in the dialog."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = IssueImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        if form.is_valid():
            image = form.save()
            messages.success(request, f"“{image.alt_text}” is uploaded: insert it below.")
            return redirect(request.get_full_path())
    context = {
        **model_admin.admin_site.each_context(request),
        "form": form,
        "images": IssueImage.objects.order_by("-uploaded_at", "-pk")[:60],
        "title": "Insert an image",
        "opts": model_admin.model._meta,
        "is_popup": True,
        "from_editor": "CKEditorFuncNum" in request.GET,
    }
    return render(request, "admin/newsletters/image_picker.html", context)
