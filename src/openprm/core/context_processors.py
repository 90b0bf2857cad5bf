from openprm.core import navigation


def shell(request):
    """The navigation of the area (console or portal) that the page belongs to."""
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    items = {"console": navigation.CONSOLE, "portal": navigation.PORTAL}.get(
        namespace, []
    )
    current = match.view_name if match else ""
    return {
        "shell_area": namespace,
        "shell_nav": [
            {
                "label": item.label,
                "url": item.url(),
                "active": current == item.url_name
                or bool(item.active_prefix and current.startswith(item.active_prefix)),
            }
            for item in sorted(items, key=lambda item: item.order)
            if item.is_visible(request)
        ],
    }
