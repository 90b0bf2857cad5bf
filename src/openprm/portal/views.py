from django.shortcuts import render

from openprm.accounts.access import portal_view


@portal_view
def dashboard(request):
    return render(request, "portal/dashboard.html", {"partner": request.partner})
