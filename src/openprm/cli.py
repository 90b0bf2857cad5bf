"""The ``openprm`` command: every manage.py command, with serve, worker, seed-demo."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "openprm"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
