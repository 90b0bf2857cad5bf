"""The learning app's console pages (names join "console:")."""

from django.urls import path

from openprm.learning import views

urlpatterns = [
    path("learning/courses/", views.courses, name="learning_courses"),
    path("learning/courses/new/", views.course_create, name="learning_course_create"),
    path(
        "learning/courses/<uuid:public_id>/",
        views.course_detail,
        name="learning_course",
    ),
    path(
        "learning/courses/<uuid:public_id>/edit/",
        views.course_edit,
        name="learning_course_edit",
    ),
    path(
        "learning/courses/<uuid:public_id>/modules/",
        views.module_create,
        name="learning_module_create",
    ),
    path(
        "learning/modules/<int:pk>/move/<str:direction>/",
        views.module_move,
        name="learning_module_move",
    ),
    path(
        "learning/modules/<int:pk>/lessons/new/",
        views.lesson_create,
        name="learning_lesson_create",
    ),
    path(
        "learning/lessons/<uuid:public_id>/edit/",
        views.lesson_edit,
        name="learning_lesson_edit",
    ),
    path(
        "learning/lessons/<uuid:public_id>/move/<str:direction>/",
        views.lesson_move,
        name="learning_lesson_move",
    ),
    path(
        "learning/lessons/<uuid:public_id>/delete/",
        views.lesson_delete,
        name="learning_lesson_delete",
    ),
    path("learning/enrolments/", views.enrolments, name="learning_enrolments"),
    path("learning/reports/", views.learning_reports, name="learning_reports"),
    path("learning/quizzes/", views.quizzes, name="learning_quizzes"),
    path("learning/quizzes/new/", views.quiz_create, name="learning_quiz_create"),
    path("learning/quizzes/<uuid:public_id>/", views.quiz_detail, name="learning_quiz"),
    path(
        "learning/quizzes/<uuid:public_id>/questions/",
        views.question_add,
        name="learning_question_add",
    ),
    path("learning/packages/", views.packages, name="learning_packages"),
    path(
        "learning/packages/new/", views.package_create, name="learning_package_create"
    ),
    path("learning/paths/", views.paths, name="learning_paths"),
    path("learning/paths/new/", views.path_create, name="learning_path_create"),
    path(
        "learning/paths/<uuid:public_id>/edit/",
        views.path_edit,
        name="learning_path_edit",
    ),
]
