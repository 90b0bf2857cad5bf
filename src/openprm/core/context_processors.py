from openprm.core import branding, navigation


def shell(request):
    """The navigation of the area (console or portal) that the page belongs to."""
    area, items, html = navigation.shell_navigation(request)
    brand = branding.current()
    return {
        "brand": brand,
        # Plain values, for the fixed parts of the shell ({% once %}).
        "brand_name": brand.name,
        "brand_logo_url": brand.logo_url,
        "brand_version": brand.version,
        "shell_area": area,
        "shell_nav": items,
        "shell_has_nav": bool(items),
        "shell_nav_html": html,
    }
