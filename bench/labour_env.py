"""The set-up bench/labour.py and bench/labour_import.py share: a throwaway database (a SQLite
file in a temporary directory, or the PostgreSQL database named in DATABASE_URL, which the run
creates and drops; an existing one is refused, the figures need an empty registry), Django, and
the demo world with 平利县 (the demo tree and cast, the county's subtree, the labour cast with no
generated people).

    env = LabourBenchEnv("zhijia-bench-labour-")   # before any Django model is imported
    units, actor = env.world()                     # migrate, seed; the actor is pingli_staff
    ...
    env.cleanup()                                  # in a finally
"""

import os
import shutil
import sys
from pathlib import Path

from bench import throwaway_db

PASSWORD = "Bench-pass-2026"
SETTINGS = "config.settings.dev"


class LabourBenchEnv:
    def __init__(self, prefix: str) -> None:
        self.tmp = throwaway_db.temp_dir(prefix, SETTINGS)
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{self.tmp / 'bench.sqlite3'}")
        self.database_url = os.environ["DATABASE_URL"]
        self.created_pg_db = False
        if throwaway_db.is_postgres(self.database_url):
            self.created_pg_db = throwaway_db.create_postgres(self.database_url)
            if not self.created_pg_db:
                shutil.rmtree(self.tmp, ignore_errors=True)
                name = throwaway_db.database_name(self.database_url)
                sys.exit(f"database {name} exists: drop it or name another (the run makes its own)")
        import django

        django.setup()

    def file(self, name: str) -> Path:
        """A path in the run's temporary directory (removed by cleanup)."""
        return self.tmp / name

    def world(self):
        """Migrate, seed the demo, 平利县's subtree and the labour cast (no generated people).
        Returns (units by name, the county clerk pingli_staff)."""
        from django.core.management import call_command

        from zhijia.accounts.models import User
        from zhijia.demo.labour import seed_labour
        from zhijia.demo.labour_tree import pingli_tree
        from zhijia.demo.seed import seed

        call_command("migrate", verbosity=0)
        seed(password=PASSWORD)
        units = pingli_tree()
        seed_labour(PASSWORD, people=0)
        return units, User.objects.get(username="pingli_staff")

    def cleanup(self) -> None:
        """Closes Django's connections, drops the PostgreSQL database this run created, removes
        the temporary directory (the SQLite file and the xlsx files live there)."""
        throwaway_db.close_django_connections()
        if self.created_pg_db:
            throwaway_db.drop_postgres(self.database_url)
        shutil.rmtree(self.tmp, ignore_errors=True)
