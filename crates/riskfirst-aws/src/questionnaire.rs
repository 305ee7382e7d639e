//! The two-minute questionnaire: about twenty questions on what matters most in an
//! AWS account, each keyed to the CIS AWS Foundations 4.0.1 and FSBP controls it
//! stands for, scored out of 100 with a grade and the five answers that cost most.
//!
//! Pure: the caller reads the answers (a file, a terminal) and passes text or ids.
//! A question's `weight` (1 to 10) is the business risk of getting it wrong, on the
//! scale of the checks' weights; an answer's `credit` is the share of that weight it
//! earns, 0 to 100. The score is the credit earned over the credit possible, in percent,
//! rounded half up. Ids are stable and never reused; `tests/questionnaire.rs` checks
//! every control id against the catalogues.

use std::collections::BTreeMap;

use serde::Serialize;

/// What getting a question wrong puts at stake, in the business's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskKind {
    /// Customer or company data read or published by someone who should not have it.
    DataBreach,
    /// Systems down or data lost for good.
    Outage,
    /// Someone spends the account's money or moves money: crypto mining, billing fraud.
    Fraud,
}

impl RiskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskKind::DataBreach => "data-breach",
            RiskKind::Outage => "outage",
            RiskKind::Fraud => "fraud",
        }
    }

    /// Words that, in an estate's business risk id or title, mark a risk of this kind.
    pub fn words(self) -> &'static [&'static str] {
        match self {
            RiskKind::DataBreach => &["breach", "leak", "disclos", "exposed", "exposure", "stolen"],
            RiskKind::Outage => &[
                "outage",
                "downtime",
                "unavailab",
                "halted",
                "ransom",
                "disrupt",
            ],
            RiskKind::Fraud => &["fraud", "chargeback", "theft", "abuse", "billing"],
        }
    }
}

/// One answer to a question.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Choice {
    pub id: &'static str,
    pub text: &'static str,
    /// Share of the question's weight this answer earns, 0 to 100.
    pub credit: u8,
}

/// One question.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Question {
    /// Stable, kebab-case: `root-mfa`.
    pub id: &'static str,
    pub text: &'static str,
    pub choices: &'static [Choice],
    /// The id of the answer taken when none is given: the common state of a new account.
    pub default: &'static str,
    /// What to do when the answer is not the best, as an instruction.
    pub fix: &'static str,
    /// FSBP controls (`IAM.9`).
    pub fsbp: &'static [&'static str],
    /// CIS AWS Foundations 4.0.1 recommendations (`1.5`).
    pub cis: &'static [&'static str],
    pub risk: RiskKind,
    /// Business risk of the worst answer, 1 to 10.
    pub weight: u8,
}

impl Question {
    pub fn choice(&self, id: &str) -> Option<&'static Choice> {
        self.choices.iter().find(|c| c.id == id)
    }
}

const fn c(id: &'static str, text: &'static str, credit: u8) -> Choice {
    Choice { id, text, credit }
}

const YES_NO: &[Choice] = &[
    c("yes", "yes", 100),
    c("no", "no", 0),
    c("unsure", "not sure", 0),
];

/// Every question, in the order asked.
pub const QUESTIONS: &[Question] = &[
    Question { id: "root-mfa", text: "Does the root user sign in with MFA?", choices: &[c("hardware", "yes, a hardware key", 100), c("virtual", "yes, an authenticator app", 90), c("no", "no", 0), c("unsure", "not sure", 0)], default: "unsure", fix: "turn on MFA for the root user, a hardware key if you can", fsbp: &["IAM.9", "IAM.6"], cis: &["1.5", "1.6"], risk: RiskKind::Fraud, weight: 9 },
    Question { id: "root-access-keys", text: "Does the root user have access keys?", choices: &[c("no", "no", 100), c("yes", "yes", 0), c("unsure", "not sure", 0)], default: "unsure", fix: "delete the root user's access keys", fsbp: &["IAM.4"], cis: &["1.4"], risk: RiskKind::Fraud, weight: 10 },
    Question { id: "root-daily-use", text: "Is the root user used for everyday work?", choices: &[c("never", "never, only for the few tasks that need it", 100), c("sometimes", "sometimes", 30), c("often", "often", 0)], default: "sometimes", fix: "do everyday work as named people with their own roles, not as root", fsbp: &[], cis: &["1.7"], risk: RiskKind::Fraud, weight: 6 },
    Question { id: "people-sign-in", text: "How do people sign in to AWS?", choices: &[c("sso", "single sign-on (IAM Identity Center or a federated identity provider)", 100), c("iam-users", "IAM users with passwords", 30), c("shared", "shared logins", 0)], default: "iam-users", fix: "move people to single sign-on through IAM Identity Center", fsbp: &[], cis: &["1.21"], risk: RiskKind::DataBreach, weight: 5 },
    Question { id: "people-mfa", text: "Does everyone who signs in use MFA?", choices: &[c("all", "everyone", 100), c("some", "some people", 30), c("none", "nobody", 0)], default: "some", fix: "require MFA for every person with a console password", fsbp: &["IAM.5", "IAM.19"], cis: &["1.10"], risk: RiskKind::DataBreach, weight: 7 },
    Question { id: "user-access-keys", text: "Do people or programs use long-lived IAM access keys?", choices: &[c("none", "no, roles and temporary credentials only", 100), c("programs", "only some programs outside AWS", 60), c("people", "yes, people have their own keys", 20)], default: "people", fix: "replace access keys with roles and temporary credentials", fsbp: &["IAM.8"], cis: &["1.11", "1.12"], risk: RiskKind::DataBreach, weight: 6 },
    Question { id: "key-rotation", text: "Are access keys rotated every 90 days and unused ones removed?", choices: &[c("yes", "yes, or there are no keys", 100), c("some", "some of them", 40), c("no", "no", 0)], default: "no", fix: "rotate access keys every 90 days and remove those unused for 45 days", fsbp: &["IAM.3", "IAM.22"], cis: &["1.13", "1.14"], risk: RiskKind::DataBreach, weight: 4 },
    Question { id: "least-privilege", text: "Does any policy grant `*` (every action) or full administrator rights?", choices: &[c("no", "no, each role has only what its job needs", 100), c("admins-only", "only a few administrators have it", 50), c("widely", "yes, widely", 0)], default: "admins-only", fix: "replace `*` policies with ones that grant only the actions each job needs", fsbp: &["IAM.1", "IAM.21"], cis: &["1.15", "1.16"], risk: RiskKind::DataBreach, weight: 9 },
    Question { id: "s3-block-public-access", text: "Is S3 Block Public Access on for the whole account?", choices: YES_NO, default: "unsure", fix: "turn on S3 Block Public Access at the account level", fsbp: &["S3.1", "S3.8"], cis: &["2.1.4"], risk: RiskKind::DataBreach, weight: 8 },
    Question { id: "public-buckets", text: "Can anyone on the internet read or write any of your S3 buckets?", choices: &[c("no", "no", 100), c("website-only", "only buckets that serve a public website", 70), c("yes", "yes", 0), c("unsure", "not sure", 0)], default: "unsure", fix: "make every bucket private; serve public files through CloudFront", fsbp: &["S3.2", "S3.3"], cis: &[], risk: RiskKind::DataBreach, weight: 10 },
    Question { id: "public-databases", text: "Is any database reachable from the internet?", choices: &[c("no", "no", 100), c("yes", "yes", 0), c("unsure", "not sure", 0)], default: "unsure", fix: "turn off public access on every database and keep them in private subnets", fsbp: &["RDS.2"], cis: &["2.2.3"], risk: RiskKind::DataBreach, weight: 10 },
    Question { id: "admin-ports", text: "Do security groups admit SSH, RDP or database ports from 0.0.0.0/0?", choices: &[c("no", "no", 100), c("some", "a few, temporarily", 30), c("yes", "yes", 0), c("unsure", "not sure", 0)], default: "unsure", fix: "close admin and database ports to the internet; use Session Manager instead of SSH", fsbp: &["EC2.13", "EC2.14", "EC2.19"], cis: &["5.2", "5.3"], risk: RiskKind::DataBreach, weight: 8 },
    Question { id: "encryption-default", text: "Is encryption at rest on by default (EBS default encryption, RDS, S3 with KMS)?", choices: &[c("all", "yes, everywhere", 100), c("some", "for some services", 50), c("no", "no", 0), c("unsure", "not sure", 0)], default: "some", fix: "turn on EBS default encryption in every region and encrypt databases and buckets with KMS", fsbp: &["EC2.7", "RDS.3", "S3.17"], cis: &["5.1.1", "2.2.1"], risk: RiskKind::DataBreach, weight: 5 },
    Question { id: "cloudtrail", text: "Does CloudTrail record every region?", choices: &[c("all-regions", "yes, a multi-region trail", 100), c("some-regions", "only some regions", 40), c("no", "no", 0), c("unsure", "not sure", 0)], default: "unsure", fix: "create one multi-region CloudTrail trail with log file validation", fsbp: &["CloudTrail.1"], cis: &["3.1"], risk: RiskKind::DataBreach, weight: 6 },
    Question { id: "guardduty", text: "Is GuardDuty enabled?", choices: YES_NO, default: "unsure", fix: "enable GuardDuty in every region", fsbp: &["GuardDuty.1"], cis: &[], risk: RiskKind::Fraud, weight: 5 },
    Question { id: "security-hub", text: "Is Security Hub enabled, with its findings looked at?", choices: &[c("reviewed", "yes, and someone reviews the findings", 100), c("enabled", "enabled, but nobody looks", 40), c("no", "no", 0), c("unsure", "not sure", 0)], default: "unsure", fix: "enable Security Hub with the FSBP standard and review its findings weekly", fsbp: &[], cis: &["4.16"], risk: RiskKind::DataBreach, weight: 3 },
    Question { id: "config", text: "Is AWS Config recording in every region?", choices: YES_NO, default: "unsure", fix: "turn on AWS Config recording in every region", fsbp: &["Config.1"], cis: &["3.3"], risk: RiskKind::Outage, weight: 3 },
    Question { id: "backups", text: "Are databases and volumes backed up (AWS Backup or automated backups) and a restore tested?", choices: &[c("tested", "yes, and a restore has been tested", 100), c("untested", "yes, never restored", 60), c("no", "no", 0), c("unsure", "not sure", 0)], default: "unsure", fix: "put databases and volumes in an AWS Backup plan and test a restore", fsbp: &["RDS.11", "EC2.28", "DynamoDB.4", "Backup.1"], cis: &[], risk: RiskKind::Outage, weight: 7 },
    Question { id: "secrets", text: "Where do applications keep passwords and API keys?", choices: &[c("secrets-manager", "Secrets Manager or Parameter Store, rotated", 100), c("unrotated", "Secrets Manager or Parameter Store, never rotated", 70), c("code", "in code, environment variables or user data", 0)], default: "code", fix: "move secrets to Secrets Manager with automatic rotation", fsbp: &["SecretsManager.1"], cis: &[], risk: RiskKind::DataBreach, weight: 8 },
    Question { id: "incident-response", text: "Is there an incident response plan, with security contacts registered in the account?", choices: &[c("plan-and-contacts", "yes, a plan and current security contacts", 100), c("contacts-only", "contacts only", 50), c("no", "no", 0)], default: "no", fix: "register security contacts in the account and write and rehearse an incident response plan", fsbp: &["Account.1"], cis: &["1.1", "1.2", "1.17"], risk: RiskKind::Outage, weight: 4 },
];

/// The question with this id.
pub fn question(id: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.id == id)
}

/// One question's answer, as scored.
#[derive(Clone, Debug, Serialize)]
pub struct Answered {
    pub question: &'static str,
    pub answer: &'static str,
    /// The answer was not given and the default was taken.
    pub defaulted: bool,
    /// Points out of 100 this answer gave up.
    pub points_lost: f64,
}

/// One thing to do, from the answers that cost most.
#[derive(Clone, Debug, Serialize)]
pub struct Recommendation {
    pub question: &'static str,
    pub answer: &'static str,
    pub fix: &'static str,
    pub fsbp: &'static [&'static str],
    pub cis: &'static [&'static str],
    pub risk: RiskKind,
    /// Points of the score the fix would win back.
    pub points: f64,
}

/// The questionnaire's result.
#[derive(Clone, Debug, Serialize)]
pub struct Result {
    /// 0 to 100.
    pub score: u32,
    pub grade: char,
    pub answers: Vec<Answered>,
    /// Question ids whose answer was not given.
    pub defaulted: Vec<&'static str>,
    /// Points lost, by the kind of business risk: what drives the score.
    pub lost_by_risk: BTreeMap<&'static str, f64>,
    /// At most five, the costliest first.
    pub recommendations: Vec<Recommendation>,
}

/// The grade of a score: A from 90, B from 80, C from 70, D from 60, else F.
pub fn grade(score: u32) -> char {
    match score {
        90.. => 'A',
        80..=89 => 'B',
        70..=79 => 'C',
        60..=69 => 'D',
        _ => 'F',
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Scores answers given by question id (already checked: see [`parse_answers`]).
/// Questions not answered take their default.
pub fn score(given: &BTreeMap<String, String>) -> Result {
    let total: f64 = QUESTIONS.iter().map(|q| f64::from(q.weight)).sum();
    let (mut earned, mut answers, mut defaulted) = (0.0, Vec::new(), Vec::new());
    let mut lost_by_risk: BTreeMap<&'static str, f64> = BTreeMap::new();
    for q in QUESTIONS {
        let given = given.get(q.id).and_then(|a| q.choice(a));
        let choice = given
            .or_else(|| q.choice(q.default))
            .unwrap_or(&q.choices[0]);
        if given.is_none() {
            defaulted.push(q.id);
        }
        let credit = f64::from(q.weight) * f64::from(choice.credit) / 100.0;
        earned += credit;
        let lost = (f64::from(q.weight) - credit) * 100.0 / total;
        *lost_by_risk.entry(q.risk.as_str()).or_default() += lost;
        answers.push(Answered {
            question: q.id,
            answer: choice.id,
            defaulted: given.is_none(),
            points_lost: round1(lost),
        });
    }
    for v in lost_by_risk.values_mut() {
        *v = round1(*v);
    }
    let mut costly: Vec<(usize, &Answered)> = answers
        .iter()
        .enumerate()
        .filter(|(_, a)| a.points_lost > 0.0)
        .collect();
    // The costliest first; ties in the order asked.
    costly.sort_by(|a, b| {
        b.1.points_lost
            .total_cmp(&a.1.points_lost)
            .then(a.0.cmp(&b.0))
    });
    let recommendations = costly
        .into_iter()
        .take(5)
        .map(|(i, a)| {
            let q = &QUESTIONS[i];
            Recommendation {
                question: q.id,
                answer: a.answer,
                fix: q.fix,
                fsbp: q.fsbp,
                cis: q.cis,
                risk: q.risk,
                points: a.points_lost,
            }
        })
        .collect();
    let score = (earned * 100.0 / total + 0.5).floor().clamp(0.0, 100.0) as u32;
    Result {
        score,
        grade: grade(score),
        answers,
        defaulted,
        lost_by_risk,
        recommendations,
    }
}

/// An answers file that cannot be used: where and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswersError {
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}:{line}: unknown question `{question}`")]
    UnknownQuestion {
        file: String,
        line: usize,
        question: String,
    },
    #[error("{file}:{line}: `{answer}` is not an answer to `{question}` (answers: {choices})")]
    UnknownAnswer {
        file: String,
        line: usize,
        question: String,
        answer: String,
        choices: String,
    },
    #[error("{file}:{line}: `{question}` is answered twice (first on line {first})")]
    Duplicate {
        file: String,
        line: usize,
        question: String,
        first: usize,
    },
}

/// The largest answers file read, in bytes: twenty answers fit in a few hundred.
pub const MAX_ANSWERS_BYTES: usize = 64 * 1024;

fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// Reads an answers file: `answers:` followed by `question-id: answer-id` lines (YAML),
/// or the same as JSON `{"answers": {"question-id": "answer-id"}}` on one or more lines.
/// Every question id and answer is checked; a question answered twice is an error.
pub fn parse_answers(
    file: &str,
    text: &str,
) -> std::result::Result<BTreeMap<String, String>, AnswersError> {
    let syntax = |line: usize, message: &str| AnswersError::Syntax {
        file: file.to_string(),
        line,
        message: message.to_string(),
    };
    if text.len() > MAX_ANSWERS_BYTES {
        return Err(syntax(
            1,
            &format!("the file is larger than {MAX_ANSWERS_BYTES} bytes"),
        ));
    }
    let pairs = if text.trim_start().starts_with('{') {
        // JSON, or its YAML flow form with bare keys: `{ answers: { root-mfa: hardware } }`.
        let is_json = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
        match flow_pairs(text).filter(|_| !is_json) {
            Some(p) => p,
            None => json_pairs(text).map_err(|(line, m)| syntax(line, &m))?,
        }
    } else {
        yaml_pairs(text).map_err(|(line, m)| syntax(line, &m))?
    };
    let mut out = BTreeMap::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    for (line, qid, aid) in pairs {
        let Some(q) = question(&qid) else {
            return Err(AnswersError::UnknownQuestion {
                file: file.to_string(),
                line,
                question: qid,
            });
        };
        if q.choice(&aid).is_none() {
            return Err(AnswersError::UnknownAnswer {
                file: file.to_string(),
                line,
                question: qid,
                answer: aid,
                choices: q
                    .choices
                    .iter()
                    .map(|c| c.id)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        if let Some(&first) = first_line.get(&qid) {
            return Err(AnswersError::Duplicate {
                file: file.to_string(),
                line,
                question: qid,
                first,
            });
        }
        first_line.insert(qid.clone(), line);
        out.insert(qid, aid);
    }
    Ok(out)
}

type Pairs = Vec<(usize, String, String)>;

/// The YAML subset of an answers file: comments, blank lines, `answers:` and indented
/// `key: value` pairs under it.
fn yaml_pairs(text: &str) -> std::result::Result<Pairs, (usize, String)> {
    let mut pairs = Vec::new();
    let mut in_answers = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let body = raw.split(" #").next().unwrap_or_default();
        if body.trim().is_empty() || body.trim_start().starts_with('#') {
            continue;
        }
        let indented = body.starts_with(' ') || body.starts_with('\t');
        let Some((key, value)) = body.split_once(':') else {
            return Err((
                line,
                format!("expected `key: value`, found `{}`", body.trim()),
            ));
        };
        if !indented {
            if unquote(key) != "answers" || !value.trim().is_empty() {
                return Err((
                    line,
                    format!("expected `answers:` at the top, found `{}`", body.trim()),
                ));
            }
            if in_answers {
                return Err((line, "`answers` appears twice".into()));
            }
            in_answers = true;
            continue;
        }
        if !in_answers {
            return Err((line, "answers must be under `answers:`".into()));
        }
        let (key, value) = (unquote(key), unquote(value));
        if key.is_empty() || value.is_empty() {
            return Err((
                line,
                format!("expected `question-id: answer-id`, found `{}`", body.trim()),
            ));
        }
        pairs.push((line, key.to_string(), value.to_string()));
    }
    if !in_answers {
        return Err((1, "no `answers:` section".into()));
    }
    Ok(pairs)
}

/// The YAML flow form `{ answers: { key: value, ... } }` with bare or quoted words,
/// or `None` when the text is not of that shape.
fn flow_pairs(text: &str) -> Option<Pairs> {
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    let (key, rest) = inner.split_once(':')?;
    if unquote(key) != "answers" {
        return None;
    }
    let body = rest.trim().strip_prefix('{')?.strip_suffix('}')?;
    // `body` is a slice of `text`: its offset gives each key's line.
    let offset = body.as_ptr() as usize - text.as_ptr() as usize;
    let mut pairs = Vec::new();
    let mut at = offset;
    for item in body.split(',') {
        let line = text[..at].matches('\n').count() + 1;
        at += item.len() + 1;
        if item.trim().is_empty() {
            continue;
        }
        let (k, v) = item.split_once(':')?;
        let (k, v) = (unquote(k), unquote(v));
        let word = |w: &str| !w.is_empty() && !w.contains(['{', '}', '[', ']', ':', '"']);
        if !word(k) || !word(v) {
            return None;
        }
        // The line of the key, not of the comma before it.
        let line = line
            + item[..item.len() - item.trim_start().len()]
                .matches('\n')
                .count();
        pairs.push((line, k.to_string(), v.to_string()));
    }
    Some(pairs)
}

/// The JSON form, keeping duplicates (serde_json's maps would drop them) and lines.
fn json_pairs(text: &str) -> std::result::Result<Pairs, (usize, String)> {
    let err = |e: serde_json::Error| (e.line(), e.to_string());
    let doc: serde_json::Value = serde_json::from_str(text).map_err(err)?;
    let Some(obj) = doc.as_object() else {
        return Err((1, "expected an object".into()));
    };
    // Duplicates and lines come from the raw `"key":` occurrences: the parsed map keeps only the last.
    let key_lines = |key: &str| -> Vec<usize> {
        let needle = format!("\"{key}\"");
        text.match_indices(&needle)
            .map(|(p, _)| p)
            .filter(|p| text[p + needle.len()..].trim_start().starts_with(':'))
            .map(|p| text[..p].matches('\n').count() + 1)
            .collect()
    };
    let first_line = |key: &str| key_lines(key).first().copied().unwrap_or(1);
    if let Some(k) = obj.keys().find(|k| *k != "answers") {
        return Err((
            first_line(k),
            format!("unknown key `{k}` (expected only `answers`)"),
        ));
    }
    if let [first, second, ..] = key_lines("answers")[..] {
        return Err((
            second,
            format!("`answers` appears twice (first on line {first})"),
        ));
    }
    let Some(answers) = obj.get("answers").and_then(|a| a.as_object()) else {
        return Err((
            first_line("answers"),
            "`answers` must be an object of `question-id: answer-id`".into(),
        ));
    };
    let mut pairs = Vec::new();
    for (key, value) in answers {
        let Some(v) = value.as_str() else {
            return Err((
                first_line(key),
                format!("the answer to `{key}` must be a string"),
            ));
        };
        let lines = key_lines(key);
        if let [first, second, ..] = lines[..] {
            return Err((
                second,
                format!("`{key}` is answered twice (first on line {first})"),
            ));
        }
        pairs.push((
            lines.first().copied().unwrap_or(1),
            key.clone(),
            v.to_string(),
        ));
    }
    pairs.sort();
    Ok(pairs)
}
