//! The first start: an admin account, and with `--demo` the demo estate and its people.

use crate::auth::{hash_password, random_hex};
use crate::db::{Saved, User};
use crate::error::AppError;
use crate::AppState;

/// A demo account: user name, name, role title, organisation role, team memberships.
pub struct Person {
    pub username: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub role: &'static str,
    pub teams: &'static [(&'static str, &'static str)],
}

/// The people of the demo estate (examples/northwind): their titles are the owners its
/// business risks name, their teams its teams.
pub const DEMO_PEOPLE: &[Person] = &[
    Person {
        username: "admin",
        name: "Site Admin",
        title: "",
        role: "admin",
        teams: &[],
    },
    Person {
        username: "sofia",
        name: "Sofia Lind",
        title: "Head of Security",
        role: "security",
        teams: &[],
    },
    Person {
        username: "eva",
        name: "Eva Jansen",
        title: "Chief Executive Officer",
        role: "executive",
        teams: &[],
    },
    Person {
        username: "cfo",
        name: "Lars Visser",
        title: "Chief Financial Officer",
        role: "member",
        teams: &[],
    },
    Person {
        username: "dpo",
        name: "Noor Bakker",
        title: "Data Protection Officer",
        role: "member",
        teams: &[],
    },
    Person {
        username: "coo",
        name: "Femke de Wit",
        title: "Chief Operating Officer",
        role: "member",
        teams: &[],
    },
    Person {
        username: "cto",
        name: "Ruben Kok",
        title: "Chief Technology Officer",
        role: "member",
        teams: &[],
    },
    Person {
        username: "mateo",
        name: "Mateo Alvarez",
        title: "Head of Payments",
        role: "member",
        teams: &[("payments", "owner")],
    },
    Person {
        username: "pat",
        name: "Pat Okafor",
        title: "Payments engineer",
        role: "member",
        teams: &[("payments", "member")],
    },
    Person {
        username: "ingrid",
        name: "Ingrid Vos",
        title: "Storefront lead",
        role: "member",
        teams: &[("storefront", "owner")],
    },
    Person {
        username: "victor",
        name: "Victor Smit",
        title: "Auditor",
        role: "member",
        teams: &[("payments", "viewer")],
    },
];

pub async fn create_person(state: &AppState, p: &Person, password: &str) -> Result<User, AppError> {
    let user = User {
        id: random_hex(12)?,
        username: p.username.to_string(),
        name: p.name.to_string(),
        title: p.title.to_string(),
        org_role: p.role.to_string(),
        password_hash: hash_password(password)?,
    };
    state.db.create_user(&user).await?;
    for (team, role) in p.teams {
        state.db.add_membership(&user.id, team, role).await?;
    }
    Ok(user)
}

/// On an empty database: an `admin` account with a new random password, returned so the
/// operator is told it once. `None` when accounts exist.
pub async fn first_admin(state: &AppState) -> Result<Option<String>, AppError> {
    if state.db.user_count().await? > 0 {
        return Ok(None);
    }
    let password = random_hex(10)?;
    create_person(state, &DEMO_PEOPLE[0], &password).await?;
    state
        .db
        .audit(
            &random_hex(12)?,
            "riskfirst",
            "account created",
            "admin (first start)",
        )
        .await?;
    Ok(Some(password))
}

/// On an empty database: the demo people, all with `password`, and `files` as revision 1.
/// Returns false when the database already holds accounts or revisions (nothing changes).
pub async fn demo(
    state: &AppState,
    files: &[(String, String)],
    password: &str,
) -> Result<bool, AppError> {
    if state.db.user_count().await? > 0 || state.db.head().await?.is_some() {
        return Ok(false);
    }
    for p in DEMO_PEOPLE {
        create_person(state, p, password).await?;
    }
    match state
        .db
        .save_revision(0, "riskfirst", "the demo estate", files)
        .await?
    {
        Saved::Created(n) => {
            state
                .db
                .audit(
                    &random_hex(12)?,
                    "riskfirst",
                    "estate imported",
                    &format!("revision {n}: the demo estate"),
                )
                .await?;
            Ok(true)
        }
        Saved::Stale { .. } => Ok(false),
    }
}
