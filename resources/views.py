from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from membership.services import is_member
from tasp.views import sandboxed

from .access import opens_for
from .forms import ResourceFilterForm
from .models import Resource


@require_safe
def index(request):
    form = ResourceFilterForm(request.GET or None)
    resources = form.filter(Resource.objects.listed().prefetch_related("topics", "audiences"))
    page = Paginator(resources, 20).get_page(request.GET.get("page"))
    member = is_member(user=request.user)
    rows = [(resource, opens_for(request, resource, member=member)) for resource in page]
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "resources/resource_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "member": member,
            "filtered": form.filtered,
            "query": query.urlencode(),
        },
    )
    patch_cache_control(response, private=True)  # what opens depends on who asks
    return response


@require_safe
def detail(request, slug):
    resource = get_object_or_404(
        Resource.objects.listed().prefetch_related("topics", "audiences"), slug=slug
    )
    response = render(
        request,
        "resources/resource_detail.html",
        {"resource": resource, "opens": opens_for(request, resource)},
    )
    patch_cache_control(response, private=True)
    return response


@require_safe
def download(request, slug):
    """The file, as an attachment, for those it opens for; an anonymous visitor is asked to log
    in, and anyone else is told it does not exist (404)."""
    resource = get_object_or_404(Resource.objects.listed(), slug=slug)
    if not resource.file:
        raise Http404("This resource has no file.")
    if not opens_for(request, resource):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404("No such file.")
    try:
        file = resource.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("No such file.") from missing
    resource.count_download()
    response = sandboxed(FileResponse(file, as_attachment=True, filename=resource.filename))
    if resource.is_public_on():
        patch_cache_control(response, private=True)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
