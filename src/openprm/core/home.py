from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect


def home(request):
    """Send each person to their own area: console for vendor staff, else portal."""
    if not request.user.is_authenticated:
        return redirect_to_login("/")
    if request.user.is_vendor_staff:
        return redirect("console:dashboard")
    return redirect("portal:dashboard")
