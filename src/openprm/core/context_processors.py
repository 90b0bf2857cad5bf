from openprm.core import navigation


def shell(request):
    """The navigation of the area (console or portal) that the page belongs to."""
    area, items, html = navigation.shell_navigation(request)
    return {
        "shell_area": area,
        "shell_nav": items,
        "shell_has_nav": bool(items),
        "shell_nav_html": html,
    }
