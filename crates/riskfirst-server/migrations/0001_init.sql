-- riskfirst serve, schema 1. Released migrations are never edited: a change is a new file.
-- Written in the SQL that SQLite and PostgreSQL share (TEXT, BIGINT, no serial ids), so one
-- set of migrations serves both.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- The role title a business risk names as its owner (`owner: Chief Financial Officer`).
    title TEXT NOT NULL,
    -- admin | security | executive | member
    org_role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- A user's role in a team of the model: owner | member | viewer.
CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users (id),
    team TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, team)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE login_failures (
    username TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (username, at);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The estate's history: revision n + 1 is made on revision n, so two saves made on the
-- same revision cannot both land (the primary key refuses the second).
CREATE TABLE revisions (
    number BIGINT PRIMARY KEY,
    author TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE files (
    revision BIGINT NOT NULL REFERENCES revisions (number),
    path TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (revision, path)
);

-- One assessment job per revision, claimed by whichever instance gets it first.
-- state: queued | running | done | failed
CREATE TABLE jobs (
    revision BIGINT PRIMARY KEY REFERENCES revisions (number),
    state TEXT NOT NULL,
    claimed_by TEXT,
    claimed_at BIGINT,
    finished_at BIGINT,
    error TEXT
);

CREATE TABLE assessments (
    revision BIGINT PRIMARY KEY REFERENCES revisions (number),
    json TEXT NOT NULL,
    -- The organisation's current expected annual loss and p90, for the trend.
    org_mean DOUBLE PRECISION NOT NULL,
    org_p90 DOUBLE PRECISION NOT NULL,
    computed_at BIGINT NOT NULL
);

-- Decisions asked for and waiting for the business-risk owner.
-- state: pending | approved | rejected
CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    system TEXT NOT NULL,
    threat TEXT NOT NULL,
    status TEXT NOT NULL,
    business_risk TEXT NOT NULL,
    approver TEXT NOT NULL,
    justification TEXT NOT NULL,
    expires TEXT NOT NULL,
    -- User names (unique, kept when an account is renamed).
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    revision BIGINT
);

CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    system TEXT NOT NULL,
    threat TEXT NOT NULL,
    author TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE audit (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_by_time ON audit (at);
