"""The Celery worker and beat entry point: `celery -A tasks worker` / `celery -A tasks beat`.

Tasks are thin: they take ids, never personal data, and call victims.<area>.services.
"""

from victims import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]

from tasks import absences, housekeeping, imports, letters, lifecycle, people, reminders, snapshots  # noqa: E402,F401  (registers the tasks)
