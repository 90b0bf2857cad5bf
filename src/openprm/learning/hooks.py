"""What the learning app plugs into the layers below it, at start-up."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openprm.learning.models import Course, LearningPath
from openprm.segments.audiences.registry import register_audience_user


def _published() -> Q:
    return Q(is_published=True)


# The console's audience explanation lists what a partner sees of these.
register_audience_user(_("Courses"), Course, live_q=_published)
register_audience_user(_("Learning paths"), LearningPath, live_q=_published)
