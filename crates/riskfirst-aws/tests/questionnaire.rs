//! The questionnaire: exact scores of fixed answer sets, grade bounds, every control
//! id in the catalogues of `../shared/corpora/aws`, and the answers file's errors.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use riskfirst_aws::questionnaire::{grade, parse_answers, score, AnswersError, QUESTIONS};

fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(q, a)| (q.to_string(), a.to_string()))
        .collect()
}

/// Every question answered with the answer of this credit rank (0 = best).
fn all(
    pick: impl Fn(&[riskfirst_aws::questionnaire::Choice]) -> &'static str,
) -> BTreeMap<String, String> {
    QUESTIONS
        .iter()
        .map(|q| (q.id.to_string(), pick(q.choices).to_string()))
        .collect()
}

#[test]
fn best_answers_score_100_and_recommend_nothing() {
    let r = score(&all(|c| c.iter().max_by_key(|c| c.credit).unwrap().id));
    assert_eq!((r.score, r.grade), (100, 'A'));
    assert!(r.recommendations.is_empty() && r.defaulted.is_empty());
}

#[test]
fn worst_answers_score_1() {
    let r = score(&all(|c| c.iter().min_by_key(|c| c.credit).unwrap().id));
    // Only long-lived keys for people keep a credit: 20% of 6 = 1.2 of 133.
    assert_eq!((r.score, r.grade), (1, 'F'));
    // The five heaviest questions, ties in the order asked.
    let top: Vec<&str> = r.recommendations.iter().map(|r| r.question).collect();
    assert_eq!(
        top,
        [
            "root-access-keys",
            "public-buckets",
            "public-databases",
            "root-mfa",
            "least-privilege"
        ]
    );
    assert_eq!(r.recommendations[0].points, 7.5); // 10 of 133
    assert_eq!(r.recommendations[0].fsbp, ["IAM.4"]);
    assert_eq!(r.recommendations[0].cis, ["1.4"]);
}

#[test]
fn defaults_score_10_and_are_listed() {
    // Credit of the defaults: 1.8 + 1.5 + 2.1 + 1.2 + 4.5 + 2.5 = 13.6 of 133 = 10.2%.
    let r = score(&BTreeMap::new());
    assert_eq!((r.score, r.grade), (10, 'F'));
    assert_eq!(r.defaulted.len(), QUESTIONS.len());
    assert_eq!(r.defaulted[0], "root-mfa");
}

#[test]
fn a_mixed_account_scores_exactly() {
    // Best everywhere except public buckets (yes: 10 lost) and backups untested (40% of 7 = 2.8 lost).
    let mut a = all(|c| c.iter().max_by_key(|c| c.credit).unwrap().id);
    a.insert("public-buckets".into(), "yes".into());
    a.insert("backups".into(), "untested".into());
    let r = score(&a);
    // (133 - 12.8) / 133 = 90.4%.
    assert_eq!((r.score, r.grade), (90, 'A'));
    let top: Vec<(&str, f64)> = r
        .recommendations
        .iter()
        .map(|r| (r.question, r.points))
        .collect();
    assert_eq!(top, [("public-buckets", 7.5), ("backups", 2.1)]);
    assert_eq!(r.lost_by_risk["data-breach"], 7.5);
    assert_eq!(r.lost_by_risk["outage"], 2.1);
    assert_eq!(r.lost_by_risk["fraud"], 0.0);
}

#[test]
fn grade_bounds() {
    for (s, g) in [
        (100, 'A'),
        (90, 'A'),
        (89, 'B'),
        (80, 'B'),
        (79, 'C'),
        (70, 'C'),
        (69, 'D'),
        (60, 'D'),
        (59, 'F'),
        (0, 'F'),
    ] {
        assert_eq!(grade(s), g, "{s}");
    }
}

#[test]
fn the_table_keeps_its_conventions() {
    let mut ids = BTreeSet::new();
    assert!((18..=22).contains(&QUESTIONS.len()));
    for q in QUESTIONS {
        assert!(ids.insert(q.id), "{} twice", q.id);
        assert!((1..=10).contains(&q.weight), "{}", q.id);
        assert!(q.choice(q.default).is_some(), "{}: default", q.id);
        assert!(
            q.choices.iter().any(|c| c.credit == 100),
            "{}: no best answer",
            q.id
        );
        assert!(
            !q.fsbp.is_empty() || !q.cis.is_empty(),
            "{}: no control",
            q.id
        );
        let mut choices = BTreeSet::new();
        assert!(
            q.choices
                .iter()
                .all(|c| choices.insert(c.id) && c.credit <= 100),
            "{}",
            q.id
        );
    }
}

#[test]
fn every_control_id_is_in_the_catalogues() {
    let Some(dir) = common::corpus("aws") else {
        return;
    };
    let ids = |name: &str| -> BTreeSet<String> {
        std::fs::read_to_string(dir.join(name))
            .unwrap()
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').next().map(str::to_string))
            .collect()
    };
    let (fsbp, cis) = (ids("fsbp_controls.tsv"), ids("cis_aws_4.0.1_controls.tsv"));
    assert!(fsbp.len() > 250 && cis.len() > 60);
    for q in QUESTIONS {
        for id in q.fsbp {
            assert!(
                fsbp.contains(*id),
                "{}: FSBP {id} is not in the catalogue",
                q.id
            );
        }
        for id in q.cis {
            assert!(
                cis.contains(*id),
                "{}: CIS {id} is not in the catalogue",
                q.id
            );
        }
    }
}

#[test]
fn answers_files_in_yaml_and_json() {
    let yaml = "# ours\nanswers:\n  root-mfa: hardware   # since May\n  public-buckets: \"no\"\n";
    assert_eq!(
        parse_answers("a.yaml", yaml).unwrap(),
        answers(&[("root-mfa", "hardware"), ("public-buckets", "no")])
    );
    let json = "{\"answers\": {\n \"root-mfa\": \"hardware\",\n \"public-buckets\": \"no\"}}";
    assert_eq!(
        parse_answers("a.json", json).unwrap(),
        answers(&[("root-mfa", "hardware"), ("public-buckets", "no")])
    );
}

#[test]
fn answers_in_yaml_flow_form() {
    let flow = "{ answers: { root-mfa: hardware,\n  public-buckets: 'no' } }";
    assert_eq!(
        parse_answers("a.yaml", flow).unwrap(),
        answers(&[("root-mfa", "hardware"), ("public-buckets", "no")])
    );
    let dup = "{ answers: { root-mfa: no,\n root-mfa: virtual } }";
    assert_eq!(
        parse_answers("a.yaml", dup).unwrap_err().to_string(),
        "a.yaml:2: `root-mfa` is answered twice (first on line 1)"
    );
    let bad = "{ answers: { root-mfa: [no] } }";
    assert!(parse_answers("a.yaml", bad)
        .unwrap_err()
        .to_string()
        .starts_with("a.yaml:1: key must be a string"));
}

#[test]
fn hostile_answers_files_say_where_and_what() {
    let err = |text: &str| parse_answers("a.yaml", text).unwrap_err().to_string();
    assert_eq!(
        err("answers:\n  root-mfa: yes\n"),
        "a.yaml:2: `yes` is not an answer to `root-mfa` (answers: hardware, virtual, no, unsure)"
    );
    assert_eq!(
        err("answers:\n  root-mfa: no\n  mfa-root: no\n"),
        "a.yaml:3: unknown question `mfa-root`"
    );
    assert_eq!(
        err("answers:\n  root-mfa: no\n  root-mfa: virtual\n"),
        "a.yaml:3: `root-mfa` is answered twice (first on line 2)"
    );
    assert_eq!(
        err("root-mfa: no\n"),
        "a.yaml:1: expected `answers:` at the top, found `root-mfa: no`"
    );
    assert_eq!(err(""), "a.yaml:1: no `answers:` section");
    assert_eq!(
        err("answers:\n  just words\n"),
        "a.yaml:2: expected `key: value`, found `just words`"
    );
    assert_eq!(
        err(&"#".repeat(70_000)),
        "a.yaml:1: the file is larger than 65536 bytes"
    );
    let json_err = |text: &str| parse_answers("a.json", text).unwrap_err().to_string();
    assert_eq!(
        json_err("{\"answers\": {\n\"root-mfa\": \"no\",\n\"root-mfa\": \"virtual\"}}"),
        "a.json:3: `root-mfa` is answered twice (first on line 2)"
    );
    assert_eq!(
        json_err("{\"answers\": {\n\"root-mfa\": 1}}"),
        "a.json:2: the answer to `root-mfa` must be a string"
    );
    assert_eq!(
        json_err("{\"answers\": {},\n\"answers\": {}}"),
        "a.json:2: `answers` appears twice (first on line 1)"
    );
    assert_eq!(
        json_err("{\"answers\": {},\n \"extra\": 1}"),
        "a.json:2: unknown key `extra` (expected only `answers`)"
    );
    assert_eq!(
        json_err("{\"answers\": [\"root-mfa\"]}"),
        "a.json:1: `answers` must be an object of `question-id: answer-id`"
    );
    assert!(
        json_err("{\"answers\": ").starts_with("a.json:1: EOF"),
        "{}",
        json_err("{\"answers\": ")
    );
    assert!(matches!(
        parse_answers("a", "answers:\n  x: y\n"),
        Err(AnswersError::UnknownQuestion { line: 2, .. })
    ));
}
