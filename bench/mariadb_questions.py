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


def cpu_ticks(pid):
    """User + system CPU ticks (1/100 s) a process has used so far
    (/proc/PID/stat), threads included: load-independent, unlike times."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def child_named(ppid, name):
    """The pid of PPID's child whose command is NAME (the panel's mariadbd)."""
    import os
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        if comm == name and int(stat.rsplit(")", 1)[1].split()[1]) == ppid:
            return int(entry)
    return None
