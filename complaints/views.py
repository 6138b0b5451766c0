from django.shortcuts import render


def index(request):
    return render(request, "complaints/index.html")
