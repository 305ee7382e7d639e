//! Every SQL statement of the server, over one pool that is SQLite or PostgreSQL.
//!
//! The schema and the statements use only what both databases share (TEXT and BIGINT
//! columns, `$n` parameters in ascending order, `RETURNING`-free writes), so one set of
//! migrations serves both. Times are unix milliseconds.

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use crate::error::AppError;

/// The migrations, in order. Released migrations are never edited: a change is a new entry.
const MIGRATIONS: &[(i64, &str, &str)] =
    &[(1, "init", include_str!("../migrations/0001_init.sql"))];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    pub backend: Backend,
    /// SQLite has one writer at a time and refuses (rather than waits for) a read
    /// transaction that turns into a write while another writes: this instance's saves
    /// take turns. PostgreSQL needs no such lock.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub username: String,
    pub name: String,
    pub title: String,
    pub org_role: String,
    pub password_hash: String,
}

#[derive(Clone, Debug)]
pub struct Revision {
    pub number: i64,
    pub author: String,
    pub message: String,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct Job {
    pub revision: i64,
    pub state: String,
    pub error: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Request {
    pub id: String,
    pub system: String,
    pub threat: String,
    pub status: String,
    pub business_risk: String,
    pub approver: String,
    pub justification: String,
    pub expires: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub state: String,
    pub decided_by: Option<String>,
    pub revision: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

#[derive(Clone, Debug)]
pub struct Comment {
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

/// What a save that names the revision it was made on can come to.
#[derive(Debug)]
pub enum Saved {
    Created(i64),
    /// Another save landed on that revision first; the head is now this one.
    Stale {
        head: i64,
    },
}

fn user(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        name: row.try_get("name")?,
        title: row.try_get("title")?,
        org_role: row.try_get("org_role")?,
        password_hash: row.try_get("password_hash")?,
    })
}

fn request(row: &AnyRow) -> Result<Request, sqlx::Error> {
    Ok(Request {
        id: row.try_get("id")?,
        system: row.try_get("system")?,
        threat: row.try_get("threat")?,
        status: row.try_get("status")?,
        business_risk: row.try_get("business_risk")?,
        approver: row.try_get("approver")?,
        justification: row.try_get("justification")?,
        expires: row.try_get("expires")?,
        requested_by: row.try_get("requested_by")?,
        requested_at: row.try_get("requested_at")?,
        state: row.try_get("state")?,
        decided_by: row.try_get("decided_by")?,
        revision: row.try_get("revision")?,
    })
}

const USER_COLUMNS: &str = "id, username, name, title, org_role, password_hash";
const REQUEST_COLUMNS: &str = "id, system, threat, status, business_risk, approver, justification, expires, requested_by, requested_at, state, decided_by, revision";

impl Db {
    /// Opens the database at `url` (`sqlite://PATH` or `postgres://...`), creating a SQLite
    /// file when there is none, and applies the migrations it lacks.
    pub async fn open(url: &str) -> Result<Db, AppError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(AppError::Config(format!(
                "the database must be `sqlite://PATH` or `postgres://...`, not `{url}`"
            )));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_string(),
        };
        let options = AnyPoolOptions::new().max_connections(match backend {
            // One writer at a time is what SQLite allows; readers run beside it in WAL mode.
            Backend::Sqlite => 4,
            Backend::Postgres => 8,
        });
        let pool = options
            .connect(&url)
            .await
            .map_err(|e| AppError::Config(format!("cannot open the database: {e}")))?;
        let db = Db {
            pool,
            backend,
            writer: Default::default(),
        };
        if backend == Backend::Sqlite {
            // Write-ahead logging, kept by the file: readers never wait for the writer.
            // sqlx's defaults keep synchronous=FULL (every acknowledged commit survives a
            // crash), foreign keys on and a busy timeout.
            sqlx::raw_sql("PRAGMA journal_mode = WAL")
                .execute(&db.pool)
                .await?;
        }
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), AppError> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            // Instances starting together migrate one at a time.
            sqlx::query("SELECT pg_advisory_xact_lock(7262637)")
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        if let Some(newer) = applied
            .iter()
            .find(|v| !MIGRATIONS.iter().any(|m| m.0 == **v))
        {
            return Err(AppError::Config(format!(
                "the database has schema version {newer}, newer than this riskfirst knows; use a newer riskfirst"
            )));
        }
        for (version, name, sql) in MIGRATIONS {
            if applied.contains(version) {
                continue;
            }
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(*version)
            .bind(*name)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    // --- users, sessions, tokens ---------------------------------------------------------

    pub async fn create_user(&self, u: &User) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO users (id, username, name, title, org_role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&u.id)
        .bind(&u.username)
        .bind(&u.name)
        .bind(&u.title)
        .bind(&u.org_role)
        .bind(&u.password_hash)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn user_count(&self) -> Result<i64, AppError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }

    pub async fn users(&self) -> Result<Vec<User>, AppError> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY username"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(user).collect::<Result<_, _>>()?)
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, AppError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(user).transpose()?)
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<User>, AppError> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(user).transpose()?)
    }

    pub async fn add_membership(&self, user: &str, team: &str, role: &str) -> Result<(), AppError> {
        sqlx::query("INSERT INTO memberships (user_id, team, role) VALUES ($1, $2, $3)")
            .bind(user)
            .bind(team)
            .bind(role)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// (team, role) of every team the user belongs to.
    pub async fn memberships(&self, user: &str) -> Result<Vec<(String, String)>, AppError> {
        let rows =
            sqlx::query("SELECT team, role FROM memberships WHERE user_id = $1 ORDER BY team")
                .bind(user)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user: &str,
        csrf: &str,
        expires_at: i64,
    ) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user)
        .bind(csrf)
        .bind(now_ms())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user and CSRF token of a session that has not expired.
    pub async fn session(&self, token_hash: &str) -> Result<Option<(User, String)>, AppError> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.name, u.title, u.org_role, u.password_hash, s.csrf \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some((user(&r)?, r.try_get("csrf")?)),
            None => None,
        })
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), AppError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn record_login_failure(&self, username: &str) -> Result<(), AppError> {
        sqlx::query("INSERT INTO login_failures (username, at) VALUES ($1, $2)")
            .bind(username)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn login_failures_since(&self, username: &str, since: i64) -> Result<i64, AppError> {
        Ok(
            sqlx::query("SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at > $2")
                .bind(username)
                .bind(since)
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?,
        )
    }

    pub async fn clear_login_failures(&self, username: &str) -> Result<(), AppError> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1")
            .bind(username)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn create_api_token(
        &self,
        hash: &str,
        user: &str,
        name: &str,
    ) -> Result<(), AppError> {
        sqlx::query("INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(hash)
            .bind(user)
            .bind(name)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn api_token_user(&self, hash: &str) -> Result<Option<User>, AppError> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.name, u.title, u.org_role, u.password_hash \
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(user).transpose()?)
    }

    /// (name, created_at) of a user's API tokens.
    pub async fn api_tokens(&self, user: &str) -> Result<Vec<(String, i64)>, AppError> {
        let rows = sqlx::query(
            "SELECT name, created_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    // --- revisions -----------------------------------------------------------------------

    pub async fn head(&self) -> Result<Option<i64>, AppError> {
        Ok(sqlx::query("SELECT MAX(number) FROM revisions")
            .fetch_one(&self.pool)
            .await?
            .try_get::<Option<i64>, _>(0)?)
    }

    /// Saves `files` as the revision after `base` (0: the first), with its assessment job,
    /// in one transaction; refuses when `base` is no longer the head.
    pub async fn save_revision(
        &self,
        base: i64,
        author: &str,
        message: &str,
        files: &[(String, String)],
    ) -> Result<Saved, AppError> {
        let number = base + 1;
        let _turn = match self.backend {
            Backend::Sqlite => Some(self.writer.lock().await),
            Backend::Postgres => None,
        };
        let mut tx = self.pool.begin().await?;
        let head: Option<i64> = sqlx::query("SELECT MAX(number) FROM revisions")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if head.unwrap_or(0) != base {
            return Ok(Saved::Stale {
                head: head.unwrap_or(0),
            });
        }
        let inserted = sqlx::query(
            "INSERT INTO revisions (number, author, message, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(number)
        .bind(author)
        .bind(message)
        .bind(now_ms())
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            // The primary key: another instance saved revision `number` between our read of
            // the head and this insert.
            if is_unique_violation(&e) {
                drop(tx);
                return Ok(Saved::Stale {
                    head: self.head().await?.unwrap_or(0),
                });
            }
            return Err(e.into());
        }
        for (path, content) in files {
            sqlx::query("INSERT INTO files (revision, path, content) VALUES ($1, $2, $3)")
                .bind(number)
                .bind(path)
                .bind(content)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("INSERT INTO jobs (revision, state) VALUES ($1, 'queued')")
            .bind(number)
            .execute(&mut *tx)
            .await?;
        match tx.commit().await {
            Ok(()) => Ok(Saved::Created(number)),
            Err(e) if is_unique_violation(&e) || is_busy(&e) => Ok(Saved::Stale {
                head: self.head().await?.unwrap_or(0),
            }),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn revisions(&self, limit: i64) -> Result<Vec<Revision>, AppError> {
        let rows = sqlx::query(
            "SELECT number, author, message, created_at FROM revisions ORDER BY number DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Revision {
                    number: r.try_get(0)?,
                    author: r.try_get(1)?,
                    message: r.try_get(2)?,
                    created_at: r.try_get(3)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(AppError::from)
    }

    pub async fn files(&self, revision: i64) -> Result<Vec<(String, String)>, AppError> {
        let rows = sqlx::query("SELECT path, content FROM files WHERE revision = $1 ORDER BY path")
            .bind(revision)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    // --- jobs and assessments ------------------------------------------------------------

    /// Claims the oldest queued job, or a running one whose instance has not finished it
    /// within `stale_ms` (it died); `None` when there is nothing to do.
    pub async fn claim_job(&self, worker: &str, stale_ms: i64) -> Result<Option<i64>, AppError> {
        let now = now_ms();
        let candidate: Option<i64> = sqlx::query(
            "SELECT revision FROM jobs WHERE state = 'queued' OR (state = 'running' AND claimed_at < $1) ORDER BY revision LIMIT 1",
        )
        .bind(now - stale_ms)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
        let Some(revision) = candidate else {
            return Ok(None);
        };
        let claimed = sqlx::query(
            "UPDATE jobs SET state = 'running', claimed_by = $1, claimed_at = $2 \
             WHERE revision = $3 AND (state = 'queued' OR (state = 'running' AND claimed_at < $4))",
        )
        .bind(worker)
        .bind(now)
        .bind(revision)
        .bind(now - stale_ms)
        .execute(&self.pool)
        .await?;
        Ok((claimed.rows_affected() == 1).then_some(revision))
    }

    /// Stores a job's outcome: the assessment's JSON with the organisation's current mean
    /// and p90 (for the trend), or why it failed.
    pub async fn finish_job(
        &self,
        revision: i64,
        result: Result<(String, f64, f64), String>,
    ) -> Result<(), AppError> {
        let mut tx = self.pool.begin().await?;
        let (state, error) = match &result {
            Ok((json, mean, p90)) => {
                sqlx::query("DELETE FROM assessments WHERE revision = $1")
                    .bind(revision)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO assessments (revision, json, org_mean, org_p90, computed_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(revision)
                    .bind(json)
                    .bind(*mean)
                    .bind(*p90)
                    .bind(now_ms())
                    .execute(&mut *tx)
                    .await?;
                ("done", None)
            }
            Err(e) => ("failed", Some(e.clone())),
        };
        sqlx::query("UPDATE jobs SET state = $1, finished_at = $2, error = $3 WHERE revision = $4")
            .bind(state)
            .bind(now_ms())
            .bind(error)
            .bind(revision)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn job(&self, revision: i64) -> Result<Option<Job>, AppError> {
        let row = sqlx::query("SELECT revision, state, error FROM jobs WHERE revision = $1")
            .bind(revision)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(Job {
                revision: r.try_get(0)?,
                state: r.try_get(1)?,
                error: r.try_get(2)?,
            }),
            None => None,
        })
    }

    /// The newest revision whose assessment is done, with its JSON.
    pub async fn latest_assessment(&self) -> Result<Option<(i64, String)>, AppError> {
        let row =
            sqlx::query("SELECT revision, json FROM assessments ORDER BY revision DESC LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
            None => None,
        })
    }

    pub async fn latest_assessment_number(&self) -> Result<Option<i64>, AppError> {
        Ok(sqlx::query("SELECT MAX(revision) FROM assessments")
            .fetch_one(&self.pool)
            .await?
            .try_get::<Option<i64>, _>(0)?)
    }

    /// (revision, the organisation's current mean, p90) of the newest `limit` assessed
    /// revisions, oldest first: the trend.
    pub async fn trend(&self, limit: i64) -> Result<Vec<(i64, f64, f64)>, AppError> {
        let rows = sqlx::query(
            "SELECT revision, org_mean, org_p90 FROM assessments ORDER BY revision DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut trend = rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        trend.reverse();
        Ok(trend)
    }

    /// The newest revision saved at or before `at` (unix milliseconds).
    pub async fn revision_at(&self, at: i64) -> Result<Option<i64>, AppError> {
        Ok(
            sqlx::query("SELECT MAX(number) FROM revisions WHERE created_at <= $1")
                .bind(at)
                .fetch_one(&self.pool)
                .await?
                .try_get::<Option<i64>, _>(0)?,
        )
    }

    pub async fn assessment(&self, revision: i64) -> Result<Option<String>, AppError> {
        let row = sqlx::query("SELECT json FROM assessments WHERE revision = $1")
            .bind(revision)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    // --- requests, comments, audit -------------------------------------------------------

    pub async fn create_request(&self, r: &Request) -> Result<(), AppError> {
        sqlx::query(&format!(
            "INSERT INTO requests ({REQUEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .bind(&r.id)
        .bind(&r.system)
        .bind(&r.threat)
        .bind(&r.status)
        .bind(&r.business_risk)
        .bind(&r.approver)
        .bind(&r.justification)
        .bind(&r.expires)
        .bind(&r.requested_by)
        .bind(r.requested_at)
        .bind(&r.state)
        .bind(&r.decided_by)
        .bind(r.revision)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn requests(&self, state: &str) -> Result<Vec<Request>, AppError> {
        let rows = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE state = $1 ORDER BY requested_at"
        ))
        .bind(state)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(request).collect::<Result<_, _>>()?)
    }

    /// Every request about one threat, oldest first.
    pub async fn requests_for(&self, system: &str, threat: &str) -> Result<Vec<Request>, AppError> {
        let rows = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE system = $1 AND threat = $2 ORDER BY requested_at"
        ))
        .bind(system)
        .bind(threat)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(request).collect::<Result<_, _>>()?)
    }

    pub async fn request(&self, id: &str) -> Result<Option<Request>, AppError> {
        let row = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(request).transpose()?)
    }

    /// Marks a pending request decided; false when it was no longer pending.
    pub async fn decide_request(
        &self,
        id: &str,
        state: &str,
        by: &str,
        revision: Option<i64>,
    ) -> Result<bool, AppError> {
        let done = sqlx::query(
            "UPDATE requests SET state = $1, decided_by = $2, decided_at = $3, revision = $4 WHERE id = $5 AND state = 'pending'",
        )
        .bind(state)
        .bind(by)
        .bind(now_ms())
        .bind(revision)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn add_comment(
        &self,
        id: &str,
        system: &str,
        threat: &str,
        author: &str,
        body: &str,
    ) -> Result<(), AppError> {
        sqlx::query("INSERT INTO comments (id, system, threat, author, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(system)
            .bind(threat)
            .bind(author)
            .bind(body)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn comments(&self, system: &str, threat: &str) -> Result<Vec<Comment>, AppError> {
        let rows = sqlx::query(
            "SELECT u.name, c.body, c.created_at FROM comments c JOIN users u ON u.id = c.author \
             WHERE c.system = $1 AND c.threat = $2 ORDER BY c.created_at",
        )
        .bind(system)
        .bind(threat)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Comment {
                    author: r.try_get(0)?,
                    body: r.try_get(1)?,
                    created_at: r.try_get(2)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(AppError::from)
    }

    pub async fn audit(
        &self,
        id: &str,
        actor: &str,
        action: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO audit (id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(now_ms())
        .bind(actor)
        .bind(action)
        .bind(detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>, AppError> {
        let rows = sqlx::query(
            "SELECT at, actor, action, detail FROM audit ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: r.try_get(0)?,
                    actor: r.try_get(1)?,
                    action: r.try_get(2)?,
                    detail: r.try_get(3)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(AppError::from)
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

fn is_busy(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.message().contains("locked") || d.message().contains("busy"))
}
