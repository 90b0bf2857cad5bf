import io
import stat
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openprm.core.errors import NotFound, ValidationFailed
from openprm.core.models import AuditEntry
from openprm.learning import scorm, services
from openprm.learning.choices import LessonKind
from openprm.learning.models import ScormPackage
from openprm.learning.tests.factories import LessonFactory, scorm_upload
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def stored(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def zip_of(members: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def upload(data: bytes, name: str = "package.zip"):
    return SimpleUploadedFile(name, data, content_type="application/zip")


def test_the_builder_makes_a_package_the_checks_accept():
    checked = scorm.check_package(io.BytesIO(scorm.build_package(title="Tour")))
    assert checked.manifest.entry == "index.html"
    assert checked.manifest.title == "Tour"
    assert {path for _name, path in checked.members} == {
        "imsmanifest.xml",
        "index.html",
        "sco.js",
    }


def test_a_package_is_unpacked_into_storage(marketing, media):
    package = services.scorm_package_upload(actor=marketing, file=scorm_upload())

    assert package.entry == "index.html"
    assert package.file_count == 3
    names = sorted(p.name for p in stored(media))
    assert names == ["imsmanifest.xml", "index.html", "sco.js"]
    assert AuditEntry.objects.filter(verb="scorm_package.uploaded").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip at all", "not a zip"),
        (zip_of({"index.html": b"<p>hi</p>"}), "no imsmanifest.xml"),
        (zip_of({"imsmanifest.xml": b"<manifest", "index.html": b""}), "well-formed"),
        (
            zip_of({"imsmanifest.xml": b"<manifest identifier='x'/>", "a.html": b""}),
            "no resource",
        ),
        (
            scorm.build_package(extra={"../evil.html": b"x"}),
            "outside itself",
        ),
        (
            scorm.build_package(extra={"/etc/cron.d/evil": b"x"}),
            "outside itself",
        ),
        (zip_of({"imsmanifest.xml": b"<manifest/>"}, links=("link",)), "symbolic link"),
        (
            scorm.build_package(
                manifest='<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "y">]>'
                "<manifest>&x;</manifest>"
            ),
            "DOCTYPE",
        ),
    ],
)
def test_a_bad_package_is_refused_with_a_clear_error_and_nothing_stored(
    marketing, media, data, message
):
    with pytest.raises(ValidationFailed) as refused:
        services.scorm_package_upload(actor=marketing, file=upload(data))
    assert message in refused.value.field_errors["file"][0]
    assert ScormPackage.objects.count() == 0
    assert stored(media) == []


def test_size_and_file_count_limits():
    data = io.BytesIO(scorm.build_package(extra={"big.bin": bytes(range(256)) * 20}))
    with pytest.raises(ValidationFailed) as too_many:
        scorm.check_package(data, max_files=2)
    assert "more than 2 files" in too_many.value.field_errors["file"][0]
    with pytest.raises(ValidationFailed) as too_big:
        scorm.check_package(data, max_bytes=1000)
    assert "unpacks to more than" in too_big.value.field_errors["file"][0]


def test_a_zip_bomb_is_refused():
    data = io.BytesIO(scorm.build_package(extra={"bomb.bin": b"0" * 2_000_000}))
    with pytest.raises(ValidationFailed) as refused:
        scorm.check_package(data)
    assert "suspiciously large" in refused.value.field_errors["file"][0]


def _scorm_lesson(marketing, membership):
    package = services.scorm_package_upload(actor=marketing, file=scorm_upload())
    lesson = LessonFactory(kind=LessonKind.SCORM, scorm_package=package, body="")
    enrolment = services.course_enrol(
        actor=membership.user,
        course=lesson.module.course,
        partner_id=membership.partner_id,
    )
    attempt = services.scorm_attempt_for(
        actor=membership.user, enrolment=enrolment, lesson=lesson
    )
    return enrolment, attempt


def test_a_completed_sco_completes_the_lesson(marketing, learner_membership):
    enrolment, attempt = _scorm_lesson(marketing, learner_membership)
    user = learner_membership.user
    services.scorm_commit(
        actor=user,
        attempt=attempt,
        values={"cmi.core.lesson_status": "incomplete", "cmi.suspend_data": "p=2"},
    )
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None

    result = services.scorm_commit(
        actor=user,
        attempt=attempt,
        values={
            "cmi.core.lesson_status": "passed",
            "cmi.core.score.raw": "85",
            "cmi.core.session_time": "0000:02:05.50",
        },
    )

    assert result.score_raw == 85
    assert result.total_seconds == 125
    assert result.suspend_data == "p=2"
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_a_score_for_another_learners_attempt_is_refused(marketing, learner_membership):
    _enrolment, attempt = _scorm_lesson(marketing, learner_membership)
    with pytest.raises(NotFound):
        services.scorm_commit(
            actor=MembershipFactory().user,
            attempt=attempt,
            values={"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "100"},
        )
    attempt.refresh_from_db()
    assert (attempt.lesson_status, attempt.score_raw) == ("not attempted", None)


@pytest.mark.parametrize(
    "values",
    [
        {"cmi.core.lesson_status": "done"},
        {"cmi.core.score.raw": "120"},
        {"cmi.core.session_time": "2 minutes"},
        {"cmi.suspend_data": "x" * 4097},
    ],
)
def test_an_invalid_runtime_value_refuses_the_whole_commit(
    marketing, learner_membership, values
):
    _enrolment, attempt = _scorm_lesson(marketing, learner_membership)
    with pytest.raises(ValidationFailed):
        services.scorm_commit(
            actor=learner_membership.user,
            attempt=attempt,
            values={"cmi.core.lesson_status": "passed", **values},
        )
    attempt.refresh_from_db()
    assert attempt.lesson_status == "not attempted"
