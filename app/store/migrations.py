"""Versioned schema migrations, written once for both SQL dialects."""

from __future__ import annotations

from typing import Final

# Each entry is applied once, in order, inside a transaction. Never edit a
# released entry: add a new one. Placeholders: {id} auto-increment primary
# key, {blob} binary, {float} double precision.
MIGRATIONS: Final[list[tuple[int, str, list[str]]]] = [
    (
        1,
        "inbox, jobs, redeliveries, audit log",
        [
            """CREATE TABLE deliveries (
                seq {id},
                id TEXT NOT NULL UNIQUE,
                event TEXT NOT NULL,
                action TEXT,
                installation_id BIGINT,
                ordering_key TEXT,
                body {blob} NOT NULL,
                received_at {float} NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at {float} NOT NULL,
                lease_until {float},
                claimed_by TEXT,
                last_error TEXT,
                finished_at {float}
            )""",
            "CREATE INDEX deliveries_queued ON deliveries (seq) WHERE status = 'queued'",
            "CREATE INDEX deliveries_claimed ON deliveries (lease_until) "
            "WHERE status = 'processing'",
            "CREATE INDEX deliveries_status ON deliveries (status)",
            "CREATE INDEX deliveries_key_seq ON deliveries (ordering_key, seq) "
            "WHERE status IN ('queued', 'processing')",
            "CREATE INDEX deliveries_received ON deliveries (received_at)",
            """CREATE TABLE jobs (
                name TEXT PRIMARY KEY,
                last_started_at {float},
                last_finished_at {float},
                next_due_at {float} NOT NULL,
                last_error TEXT,
                runs INTEGER NOT NULL DEFAULT 0
            )""",
            """CREATE TABLE redeliveries (
                guid TEXT PRIMARY KEY,
                requested_at {float} NOT NULL,
                outcome TEXT NOT NULL
            )""",
            """CREATE TABLE audit_log (
                seq {id},
                at {float} NOT NULL,
                installation_id BIGINT,
                delivery_id TEXT,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                detail TEXT NOT NULL
            )""",
        ],
    ),
    (
        2,
        "organisation configs: the last valid .github/warden.yml per installation",
        [
            """CREATE TABLE org_configs (
                installation_id BIGINT PRIMARY KEY,
                org TEXT NOT NULL,
                text TEXT,
                sha TEXT,
                loaded_at {float},
                status TEXT NOT NULL,
                checked_at {float} NOT NULL
            )""",
        ],
    ),
    (
        3,
        "memberships Warden itself caused (passed votes), which the roster guard accepts",
        [
            """CREATE TABLE expected_memberships (
                installation_id BIGINT NOT NULL,
                org TEXT NOT NULL,
                team TEXT NOT NULL,
                login TEXT NOT NULL,
                change TEXT NOT NULL,
                reason TEXT NOT NULL,
                delivery_id TEXT,
                at {float} NOT NULL,
                PRIMARY KEY (installation_id, team, login, change)
            )""",
        ],
    ),
    (
        4,
        "votes: nominations and removals, with the rule and the voters as they were at opening",
        [
            """CREATE TABLE votes (
                id {id},
                installation_id BIGINT NOT NULL,
                org TEXT NOT NULL,
                repo TEXT NOT NULL,
                issue_number INTEGER NOT NULL,
                kind TEXT NOT NULL,
                comment_id BIGINT,
                nominee TEXT NOT NULL,
                nominator TEXT NOT NULL,
                team TEXT NOT NULL,
                rule TEXT NOT NULL,
                voters TEXT NOT NULL,
                opened_at {float} NOT NULL,
                deadline {float} NOT NULL,
                state TEXT NOT NULL,
                veto_team TEXT,
                veto_until {float},
                tally TEXT,
                outcome TEXT,
                closed_at {float},
                onboarding_issue INTEGER,
                UNIQUE (installation_id, repo, issue_number)
            )""",
            "CREATE INDEX votes_state ON votes (state)",
        ],
    ),
    (
        5,
        "advisories Warden tracks, and each installation's last advisory sweep",
        [
            """CREATE TABLE advisories (
                installation_id BIGINT NOT NULL,
                org TEXT NOT NULL,
                repo TEXT NOT NULL,
                ghsa_id TEXT NOT NULL,
                reported_at {float} NOT NULL,
                state TEXT NOT NULL,
                tracking_issue INTEGER,
                tracking_digest TEXT,
                coordinator TEXT,
                assigned_at {float},
                fork_requested INTEGER NOT NULL DEFAULT 0,
                cve_requested INTEGER NOT NULL DEFAULT 0,
                experts TEXT NOT NULL DEFAULT '',
                reminder_level TEXT,
                reminded_at {float},
                finished_at {float},
                PRIMARY KEY (installation_id, repo, ghsa_id)
            )""",
            "CREATE INDEX advisories_coordinator ON advisories (installation_id, coordinator)",
            """CREATE TABLE advisory_sweeps (
                installation_id BIGINT PRIMARY KEY,
                swept_at {float} NOT NULL,
                unsupported_at {float}
            )""",
        ],
    ),
    (
        6,
        "roster: the members Warden knows (baseline, votes, alerted) and each org's sync state",
        [
            """CREATE TABLE roster_members (
                installation_id BIGINT NOT NULL,
                team TEXT NOT NULL,
                login TEXT NOT NULL,
                source TEXT NOT NULL,
                at {float} NOT NULL,
                PRIMARY KEY (installation_id, team, login)
            )""",
            """CREATE TABLE roster_state (
                installation_id BIGINT PRIMARY KEY,
                org TEXT NOT NULL,
                team TEXT NOT NULL,
                baseline_at {float} NOT NULL,
                reconciled_at {float},
                pending_removals TEXT,
                pending_issue INTEGER,
                confirmed_removals TEXT,
                confirmed_by TEXT
            )""",
        ],
    ),
    (
        7,
        "advisories: comments posted once, recorded before they are posted (crash safety)",
        [
            """CREATE TABLE advisory_comments (
                installation_id BIGINT NOT NULL,
                repo TEXT NOT NULL,
                ghsa_id TEXT NOT NULL,
                marker TEXT NOT NULL,
                issue INTEGER NOT NULL,
                step TEXT NOT NULL,
                detail TEXT NOT NULL,
                body TEXT NOT NULL,
                at {float} NOT NULL,
                PRIMARY KEY (installation_id, repo, ghsa_id, marker)
            )""",
        ],
    ),
    (
        8,
        "votes: the result comment of a closed vote, and what a state change still owes",
        ["ALTER TABLE votes ADD COLUMN result TEXT", "ALTER TABLE votes ADD COLUMN pending TEXT"],
    ),
    (
        9,
        "roster: the GitHub user id of each known member (a renamed login keeps its id)",
        ["ALTER TABLE roster_members ADD COLUMN user_id BIGINT"],
    ),
    (
        10,
        "roster: the members the public list held at the last reconcile (leavers vs. rows "
        "never written for a member)",
        ["ALTER TABLE roster_state ADD COLUMN listed TEXT"],
    ),
    (
        11,
        "advisories: CVE IDs reserved from the organisation's CNA, recorded before they are "
        "written to the advisory (one per advisory, across crashes and replicas); the fix "
        "pull requests of each advisory's private fork; what each publication did (announcement, "
        "OSV pull request, downstream issues) and its figures for `report`",
        [
            """CREATE TABLE cve_reservations (
                installation_id BIGINT NOT NULL,
                ghsa_id TEXT NOT NULL,
                repo TEXT NOT NULL,
                short_name TEXT NOT NULL,
                cve_id TEXT UNIQUE,
                asked_at {float},
                reserved_at {float},
                written_at {float},
                error_kind TEXT,
                error_message TEXT,
                error_at {float},
                reported_kind TEXT,
                PRIMARY KEY (installation_id, ghsa_id)
            )""",
            # The fix pull requests in the private fork: "number:merge sha" (no sha: open).
            "ALTER TABLE advisories ADD COLUMN fixes TEXT",
            """CREATE TABLE advisory_publications (
                installation_id BIGINT NOT NULL,
                ghsa_id TEXT NOT NULL,
                org TEXT NOT NULL,
                repo TEXT NOT NULL,
                reported_at {float} NOT NULL,
                published_at {float} NOT NULL,
                cve_id TEXT,
                severity TEXT,
                credits TEXT NOT NULL,
                announced_at {float},
                osv_pull INTEGER,
                downstream TEXT NOT NULL,
                PRIMARY KEY (installation_id, ghsa_id)
            )""",
        ],
    ),
    (
        12,
        "inbox: the head of each ordering key is marked ready, so a claim never scans past "
        "the deliveries waiting behind it; a row /readyz writes to prove the database writable",
        [
            "ALTER TABLE deliveries ADD COLUMN ready INTEGER NOT NULL DEFAULT 0",
            "UPDATE deliveries SET ready = 1 WHERE ordering_key IS NULL OR seq IN ("
            "SELECT MIN(seq) FROM deliveries WHERE status IN ('queued', 'processing') "
            "GROUP BY ordering_key)",
            "CREATE INDEX deliveries_ready ON deliveries (seq) "
            "WHERE status = 'queued' AND ready = 1",
            "CREATE INDEX deliveries_waiting ON deliveries (ordering_key, seq) "
            "WHERE status = 'queued'",
            "CREATE TABLE write_probes (name TEXT PRIMARY KEY, at {float} NOT NULL)",
        ],
    ),
    (
        13,
        "offboarding: inactivity reviews (the window they covered, who was warned, when)",
        [
            """CREATE TABLE inactivity_reviews (
                id {id},
                installation_id BIGINT NOT NULL,
                org TEXT NOT NULL,
                repo TEXT NOT NULL,
                issue_number INTEGER NOT NULL,
                opened_at {float} NOT NULL,
                since {float} NOT NULL,
                action TEXT NOT NULL,
                warned TEXT NOT NULL,
                remove_after {float},
                state TEXT NOT NULL,
                UNIQUE (installation_id, repo, issue_number)
            )""",
        ],
    ),
    (
        14,
        "inbox: the heads of the ordering keys indexed by key, so finding whether a key has "
        "a head (to claim, or to make its next delivery ready) is one probe",
        [
            "CREATE INDEX deliveries_heads ON deliveries (ordering_key) "
            "WHERE ready = 1 AND status IN ('queued', 'processing')",
        ],
    ),
    (
        15,
        "inbox: only deliveries waiting behind their key's head are indexed as waiting, and "
        "the key index every open delivery went into is gone: a new delivery about a subject "
        "nothing else waits on enters one index ordered by key instead of three, which was "
        "a third of intake's writes",
        [
            "DROP INDEX deliveries_key_seq",
            "DROP INDEX deliveries_waiting",
            "CREATE INDEX deliveries_waiting ON deliveries (ordering_key, seq) "
            "WHERE status = 'queued' AND ready = 0",
        ],
    ),
    (
        16,
        "scheduled jobs: when each organisation's part of a job last ran, so the votes and "
        "inactivity jobs follow the organisation's schedule.votes and schedule.inactivity",
        [
            """CREATE TABLE org_job_runs (
                installation_id BIGINT NOT NULL,
                job TEXT NOT NULL,
                ran_at {float} NOT NULL,
                PRIMARY KEY (installation_id, job)
            )""",
        ],
    ),
    (
        17,
        "inbox: the indexes of queued deliveries by seq and of all deliveries by arrival time "
        "are gone: no query reads them (claims read deliveries_ready), and every new delivery "
        "wrote both",
        [
            "DROP INDEX deliveries_queued",
            "DROP INDEX deliveries_received",
        ],
    ),
]

DIALECT_TYPES: Final[dict[str, dict[str, str]]] = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB", "float": "REAL"},
    "postgresql": {"id": "BIGSERIAL PRIMARY KEY", "blob": "BYTEA", "float": "DOUBLE PRECISION"},
}


def statements_for(dialect: str, statements: list[str]) -> list[str]:
    """The migration statements with the dialect's types filled in."""
    types = DIALECT_TYPES[dialect]
    return [s.format(**types) for s in statements]
