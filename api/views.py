"""The 开放数据 page (downloads and the data dictionary) and the file downloads."""

from django.http import FileResponse, Http404
from django.shortcuts import render

from . import opendata

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}


def open_data(request):
    """开放数据: what can be downloaded, how to use the API, and what every field means."""
    datasets = [
        (dataset, [(format, dataset.generated_at(format)) for format in opendata.FORMATS])
        for dataset in opendata.datasets().values()
    ]
    context = {"datasets": datasets, "dictionary": opendata.dictionary()}
    return render(request, "api/open_data.html", context)


def dataset_download(request, name, format):
    """One bulk file; built on demand if the daily job has not made it yet."""
    dataset = opendata.datasets().get(name)
    if dataset is None or format not in opendata.FORMATS:
        raise Http404("没有这个数据集")
    path = dataset.path(format)
    if not path.exists():
        opendata.build_dataset(dataset)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type=CONTENT_TYPES[format]
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
