"""Statements a MariaDB server has received (SHOW GLOBAL STATUS 'Questions'):
a load-independent count the database benches print per operation. The
query itself counts 1. Imported by the Python parts of bench/databases.sh
and bench/dbhosts.sh (PYTHONPATH=bench)."""
import subprocess


def questions(defaults_file):
    out = subprocess.run(["mariadb", "--defaults-file=" + defaults_file, "-N", "-B", "-e",
                          "SHOW GLOBAL STATUS LIKE 'Questions'"],
                         capture_output=True, text=True, check=True)
    return int(out.stdout.split()[1])
