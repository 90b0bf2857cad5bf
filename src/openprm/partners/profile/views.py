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

from openprm.core import audit_text
from openprm.core.web import console_page, form_page, portal_page
from openprm.partners import permissions, selectors, services
from openprm.partners.profile.forms import (
    ContactForm,
    CustomFieldDefinitionForm,
    PartnerProfileForm,
)
from openprm.partners.sections import sections_for


def _detail_url(partner) -> str:
    return reverse("console:partner_detail", kwargs={"public_id": partner.public_id})


def _custom_values(partner, definitions) -> list[tuple]:
    return [
        (definition, partner.custom_fields.get(definition.key))
        for definition in definitions
    ]


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
            "custom_values": _custom_values(partner, definitions),
            "history": audit_text.describe_all(
                selectors.partner_audit_history(user=request.user, partner=partner)
            ),
            "can_edit": permissions.profile_edit_level(request.user, partner)
            is not None,
            # The programmes, deals, leads, users, agreements, journeys and
            # notifications of the partner, each from the app that owns them.
            "sections": sections_for(user=request.user, partner=partner),
        },
    )


def _profile_form_page(request, partner, *, template: str, done_url: str):
    """The profile form at the actor's edit level (404 out of scope, 403 for a
    reader): every field for the vendor, the partner-editable ones for a partner
    admin."""
    level = permissions.require_profile_editor(request.user, partner)
    form = PartnerProfileForm(
        request.POST or None,
        request.FILES or None,
        partner=partner,
        definitions=selectors.custom_field_definitions_editable_by(
            user=request.user, level=level
        ),
        partner_level=level == permissions.PARTNER,
        managers=selectors.channel_managers() if level == permissions.VENDOR else (),
    )
    return form_page(
        request,
        form,
        template=template,
        save=lambda _data: services.partner_update(
            partner=partner, actor=request.user, data=form.service_data()
        ),
        success=_("The profile is saved."),
        next=done_url,
        context={"partner": partner},
    )


@require_http_methods(["GET", "POST"])
@console_page(rule=permissions.EDIT_PROFILE)
def partner_edit(request, public_id):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    return _profile_form_page(
        request,
        partner,
        template="partners/profile_edit.html",
        done_url=_detail_url(partner),
    )


def _contact_page(request, partner, *, form, save, contact=None):
    permissions.require_profile_editor(request.user, partner)
    return form_page(
        request,
        form,
        template="partners/profile_contact.html",
        save=save,
        success=_("The contact is saved."),
        next=_detail_url(partner),
        context={"partner": partner, "contact": contact},
    )


@require_http_methods(["GET", "POST"])
@console_page(rule=permissions.EDIT_PROFILE)
def contact_create(request, public_id):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    return _contact_page(
        request,
        partner,
        form=ContactForm(request.POST or None),
        save=lambda data: services.contact_create(
            partner=partner, actor=request.user, data=data
        ),
    )


@require_http_methods(["GET", "POST"])
@console_page(rule=permissions.EDIT_PROFILE)
def contact_edit(request, public_id, contact_id):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    contact = selectors.contact_get(
        user=request.user, partner=partner, public_id=contact_id
    )
    initial = {name: getattr(contact, name) for name in services.CONTACT_FIELDS}
    return _contact_page(
        request,
        partner,
        form=ContactForm(request.POST or None, initial=initial),
        save=lambda data: services.contact_update(
            contact=contact, actor=request.user, data=data
        ),
        contact=contact,
    )


@require_POST
@console_page(rule=permissions.EDIT_PROFILE)
def contact_delete(request, public_id, contact_id):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    contact = selectors.contact_get(
        user=request.user, partner=partner, public_id=contact_id
    )
    services.contact_delete(contact=contact, actor=request.user)
    messages.success(request, _("The contact is deleted."))
    return redirect(_detail_url(partner))


# --- custom field settings (vendor admins) -----------------------------------------


@require_safe
@console_page(rule=permissions.DEFINE_FIELDS)
def custom_field_list(request):
    definitions = selectors.custom_field_definitions_for(
        user=request.user, include_inactive=True
    )
    return render(
        request, "partners/custom_field_list.html", {"definitions": definitions}
    )


@require_http_methods(["GET", "POST"])
@console_page(rule=permissions.DEFINE_FIELDS)
def custom_field_create(request):
    form = CustomFieldDefinitionForm(request.POST or None)
    return form_page(
        request,
        form,
        template="partners/custom_field_form.html",
        save=lambda _data: services.custom_field_definition_create(
            actor=request.user, data=form.service_data()
        ),
        success=_("The custom field is defined."),
        next="console:custom_field_list",
    )


@require_http_methods(["GET", "POST"])
@console_page(rule=permissions.DEFINE_FIELDS)
def custom_field_edit(request, key):
    definition = selectors.custom_field_definition_get(user=request.user, key=key)
    initial = {name: getattr(definition, name) for name in services.DEFINITION_FIELDS}
    initial["choices"] = "\n".join(definition.choices)
    form = CustomFieldDefinitionForm(
        request.POST or None, initial=initial, editing=True
    )
    return form_page(
        request,
        form,
        template="partners/custom_field_form.html",
        save=lambda _data: services.custom_field_definition_update(
            definition=definition, actor=request.user, data=form.service_data()
        ),
        success=_("The custom field is saved."),
        next="console:custom_field_list",
        context={"definition": definition},
    )


@require_POST
@console_page(rule=permissions.DEFINE_FIELDS)
def custom_field_deactivate(request, key):
    definition = selectors.custom_field_definition_get(user=request.user, key=key)
    services.custom_field_definition_deactivate(
        definition=definition, actor=request.user
    )
    return redirect("console:custom_field_list")


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
            "custom_values": _custom_values(partner, definitions),
            "can_edit": permissions.profile_edit_level(request.user, partner)
            == permissions.PARTNER,
            "sections": sections_for(user=request.user, partner=partner, portal=True),
        },
    )


@require_http_methods(["GET", "POST"])
@portal_page(rule=permissions.EDIT_PROFILE)
def organisation_edit(request):
    partner = selectors.partner_get(
        user=request.user, public_id=request.partner.public_id
    )
    return _profile_form_page(
        request,
        partner,
        template="partners/organisation_edit.html",
        done_url=reverse("portal:organisation"),
    )
