"""Paired rounds for the database benches (bench/databases.sh,
bench/dbhosts.sh): the API and the `mariadb` client each create and drop
N databases, in the order API, client, client, API (N/2 pairs a round),
after a warm-up of both that is not counted. A server runs its first
thousand DDL statements slower than the next (its dictionary, buffer pool
and, on Galera, the gcache warm up: the same client statements cost node 1
57 then 36 CPU ticks per 100 pairs in back-to-back runs), and a host's
speed drifts within minutes; measuring the API first, as the benches did,
charged both to the API. ABBA cancels a steady drift."""
import time


def abba(api_round, client_round, n, meter, warm=20):
    """api_round(prefix, count) and client_round(prefix, count) each create
    and drop `count` databases whose names start with `prefix`; meter()
    returns a tuple of counters (statements, CPU ticks, ...). Returns
    {"api": (seconds, deltas, rounds), "client": (...)} with the deltas of
    meter() summed over that side's rounds."""
    api_round("wa", warm)
    client_round("wc", warm)
    half = n // 2
    plan = [("api", "a1", half), ("client", "c1", half),
            ("client", "c2", n - half), ("api", "a2", n - half)]
    out = {"api": [0.0, None, 0], "client": [0.0, None, 0]}
    for side, prefix, count in plan:
        run = api_round if side == "api" else client_round
        m0 = meter()
        t0 = time.perf_counter()
        run(prefix, count)
        seconds = time.perf_counter() - t0
        m1 = meter()
        delta = [b - a for a, b in zip(m0, m1)]
        acc = out[side]
        acc[0] += seconds
        acc[1] = delta if acc[1] is None else [x + y for x, y in zip(acc[1], delta)]
        acc[2] += 1
    return {side: tuple(v) for side, v in out.items()}


def client_round(defaults_file, names, account_host, create_options=""):
    """The client's side of a round: through one `mariadb` session, for each
    name CREATE DATABASE, CREATE USER (with a password hash, as the panel
    sends) and GRANT ALL on it, then for each DROP USER and DROP DATABASE:
    the statements a panel's create and delete stand for."""
    import subprocess
    h = "*" + "0" * 40  # any valid hash
    stmts = []
    for name in names:
        pattern = name.replace("_", "\\_")
        stmts += [f"CREATE DATABASE `{name}`{create_options};",
                  f"CREATE USER '{name}'@'{account_host}' IDENTIFIED BY PASSWORD '{h}';",
                  f"GRANT ALL PRIVILEGES ON `{pattern}`.* TO '{name}'@'{account_host}';"]
    for name in names:
        stmts += [f"DROP USER IF EXISTS '{name}'@'{account_host}';",
                  f"DROP DATABASE IF EXISTS `{name}`;"]
    subprocess.run(["mariadb", "--defaults-file=" + defaults_file, "--batch"],
                   input="\n".join(stmts).encode(), check=True)
