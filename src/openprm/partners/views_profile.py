"""Console and portal pages of the partner profile: the partner page, the profile
form, contacts, the custom field settings and the portal's Organisation page. Thin:
reads through partners.selectors, writes through partners.services."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from openprm.accounts.forms import add_application_error
from openprm.accounts.web import REFUSALS
from openprm.core.web import console_page, portal_page
from openprm.partners import permissions, selectors, services
from openprm.partners.forms_profile import (
    ContactForm,
    CustomFieldDefinitionForm,
    PartnerProfileForm,
)


def _detail_url(partner) -> str:
    return reverse("console:partner_detail", kwargs={"public_id": partner.public_id})


@require_safe
@console_page
def partner_detail(request, public_id):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    definitions = list(selectors.custom_field_definitions_for(user=request.user))
    return render(
        request,
        "partners/profile_detail.html",
        {
            "partner": partner,
            "contacts": list(selectors.contacts_of(user=request.user, partner=partner)),
            "children": list(
                selectors.partner_children(user=request.user, partner=partner)
            ),
            "custom_values": [
                (definition, partner.custom_fields.get(definition.key))
                for definition in definitions
            ],
            "history": selectors.partner_audit_history(
                user=request.user, partner=partner
            ),
            "can_edit": permissions.profile_edit_level(request.user, partner)
            is not None,
        },
    )


def _profile_form_page(request, partner, *, level, template, done_url):
    definitions = selectors.custom_field_definitions_editable_by(
        user=request.user, level=level
    )
    form = PartnerProfileForm(
        request.POST or None,
        request.FILES or None,
        partner=partner,
        definitions=definitions,
        partner_level=level == permissions.PARTNER,
        managers=selectors.channel_managers() if level == permissions.VENDOR else (),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(
                partner=partner, actor=request.user, data=form.service_data()
            )
        except REFUSALS as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect(done_url)
    return render(
        request,
        template,
        {"partner": partner, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@console_page
def partner_edit(request, public_id):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    level = permissions.require_profile_editor(request.user, partner)
    return _profile_form_page(
        request,
        partner,
        level=level,
        template="partners/profile_edit.html",
        done_url=_detail_url(partner),
    )


@require_http_methods(["GET", "POST"])
@console_page
def contact_create(request, public_id):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    permissions.require_profile_editor(request.user, partner)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(
                partner=partner, actor=request.user, data=form.cleaned_data
            )
        except REFUSALS as error:
            form.add_error(None, str(error.message))
        else:
            return redirect(_detail_url(partner))
    return render(
        request,
        "partners/profile_contact.html",
        {"partner": partner, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@console_page
def contact_edit(request, public_id, contact_id):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    contact = selectors.contact_get(
        user=request.user, partner=partner, public_id=contact_id
    )
    permissions.require_profile_editor(request.user, partner)
    initial = {name: getattr(contact, name) for name in services.CONTACT_FIELDS}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(
                contact=contact, actor=request.user, data=form.cleaned_data
            )
        except REFUSALS as error:
            form.add_error(None, str(error.message))
        else:
            return redirect(_detail_url(partner))
    return render(
        request,
        "partners/profile_contact.html",
        {"partner": partner, "form": form, "contact": contact},
        status=400 if form.errors else 200,
    )


@require_POST
@console_page
def contact_delete(request, public_id, contact_id):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    contact = selectors.contact_get(
        user=request.user, partner=partner, public_id=contact_id
    )
    services.contact_delete(contact=contact, actor=request.user)
    messages.success(request, _("The contact is deleted."))
    return redirect(_detail_url(partner))


# --- custom field settings (vendor admins) -----------------------------------------


def vendor_admin_page(view):
    def gated(request, *args, **kwargs):
        permissions.require_vendor_admin(request.user)
        return view(request, *args, **kwargs)

    gated.__name__ = view.__name__
    gated.__doc__ = view.__doc__
    return console_page(gated)


@require_safe
@vendor_admin_page
def custom_field_list(request):
    definitions = selectors.custom_field_definitions_for(
        user=request.user, include_inactive=True
    )
    return render(
        request, "partners/custom_field_list.html", {"definitions": definitions}
    )


@require_http_methods(["GET", "POST"])
@vendor_admin_page
def custom_field_create(request):
    form = CustomFieldDefinitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.custom_field_definition_create(
                actor=request.user, data=form.service_data()
            )
        except REFUSALS as error:
            _place_errors(form, error)
        else:
            return redirect("console:custom_field_list")
    return render(
        request,
        "partners/custom_field_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@vendor_admin_page
def custom_field_edit(request, key):
    definition = selectors.custom_field_definition_get(user=request.user, key=key)
    initial = {name: getattr(definition, name) for name in services.DEFINITION_FIELDS}
    initial["choices"] = "\n".join(definition.choices)
    form = CustomFieldDefinitionForm(
        request.POST or None, initial=initial, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.custom_field_definition_update(
                definition=definition, actor=request.user, data=form.service_data()
            )
        except REFUSALS as error:
            _place_errors(form, error)
        else:
            return redirect("console:custom_field_list")
    return render(
        request,
        "partners/custom_field_form.html",
        {"form": form, "definition": definition},
        status=400 if form.errors else 200,
    )


@require_POST
@vendor_admin_page
def custom_field_deactivate(request, key):
    definition = selectors.custom_field_definition_get(user=request.user, key=key)
    services.custom_field_definition_deactivate(
        definition=definition, actor=request.user
    )
    return redirect("console:custom_field_list")


def _place_errors(form, error) -> None:
    add_application_error(form, error)


# --- portal ---------------------------------------------------------------------


@require_safe
@portal_page
def organisation(request):
    partner = selectors.partner_get(
        user=request.user, public_id=request.partner.public_id
    )
    definitions = selectors.custom_field_definitions_for(user=request.user)
    return render(
        request,
        "partners/organisation.html",
        {
            "partner": partner,
            "contacts": list(selectors.contacts_of(user=request.user, partner=partner)),
            "custom_values": [
                (definition, partner.custom_fields.get(definition.key))
                for definition in definitions
            ],
            "can_edit": permissions.profile_edit_level(request.user, partner)
            == permissions.PARTNER,
        },
    )


@require_http_methods(["GET", "POST"])
@portal_page  # partner admins only: require_profile_editor refuses the others (403)
def organisation_edit(request):
    partner = selectors.partner_get(
        user=request.user, public_id=request.partner.public_id
    )
    level = permissions.require_profile_editor(request.user, partner)
    return _profile_form_page(
        request,
        partner,
        level=level,
        template="partners/organisation_edit.html",
        done_url=reverse("portal:organisation"),
    )
