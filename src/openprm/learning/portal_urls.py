"""The learning app's portal pages (names join "portal:")."""

from django.urls import path

from openprm.learning import views

COURSE = "learning/courses/<uuid:public_id>/"
LESSON = COURSE + "lessons/<uuid:lesson_id>/"

urlpatterns = [
    path("learning/", views.catalogue, name="learning"),
    path("learning/mine/", views.my_learning, name="learning_mine"),
    path("learning/transcript/", views.transcript, name="learning_transcript"),
    path("learning/team/", views.team_learning, name="learning_team"),
    path("learning/paths/<uuid:public_id>/", views.path_page, name="learning_path"),
    path(
        "learning/paths/<uuid:public_id>/enrol/",
        views.path_enrol,
        name="learning_path_enrol",
    ),
    path(COURSE, views.course_page, name="learning_course"),
    path(COURSE + "enrol/", views.course_enrol, name="learning_enrol"),
    path(
        COURSE + "enrol-colleague/",
        views.course_enrol_colleague,
        name="learning_enrol_colleague",
    ),
    path(LESSON, views.lesson_page, name="learning_lesson"),
    path(LESSON + "done/", views.lesson_done, name="learning_lesson_done"),
    path(LESSON + "file/", views.lesson_file, name="learning_lesson_file"),
    path(LESSON + "quiz/", views.quiz_start, name="learning_quiz_start"),
    path(
        "learning/attempts/<uuid:public_id>/",
        views.attempt_page,
        name="learning_attempt",
    ),
    path(
        "learning/scorm/<uuid:public_id>/commit/",
        views.scorm_commit,
        name="learning_scorm_commit",
    ),
    path(
        "learning/scorm/packages/<uuid:public_id>/<path:path>",
        views.scorm_file,
        name="learning_scorm_file",
    ),
]
