//! The expression language of custom rules: lexer, parser, type checker and evaluator.
//!
//! A `when:` condition is compiled once against the kind of element it
//! applies to (component, flow or data asset), so unknown attributes, type
//! mismatches and syntax errors are found before any element is looked at,
//! each at the exact character offset of the offending token. Evaluation
//! records the attributes it tested and their values, so a custom threat
//! names its facts like a built-in one. The language is documented in
//! `docs/rules.md`.

use std::fmt::Write as _;
use std::sync::OnceLock;

use riskfirst_model::catalog::{TechCategory, TECHNOLOGIES};
use riskfirst_model::diag::closest;
use riskfirst_model::format::{Classification, RuleTarget};
use riskfirst_model::{ComponentIdx, DataIdx, Estate, FlowIdx};
use serde::Serialize;

use crate::facts::{classification_name, crosses_boundary, flow_label};

/// Longest expression accepted, in characters; deeper nesting than
/// [`MAX_DEPTH`] is refused too, so a hostile rule cannot exhaust the stack.
pub const MAX_LEN: usize = 4096;
pub const MAX_DEPTH: usize = 64;

/// A problem in an expression, at a character offset of the expression text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// `E027` syntax, `E028` unknown attribute or value, `E029` type mismatch.
    pub code: &'static str,
    pub message: String,
    /// Offset in characters from the start of the expression.
    pub offset: usize,
    /// Length in characters of the offending token (at least 1).
    pub len: usize,
    pub hint: Option<String>,
}

impl ExprError {
    fn new(code: &'static str, message: impl Into<String>, at: Pos) -> Self {
        ExprError {
            code,
            message: message.into(),
            offset: at.0,
            len: at.1.max(1),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// `(offset, length)` in characters.
type Pos = (usize, usize);

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Op(CmpOp),
    End,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn text(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Str(s) => format!("the text \"{s}\""),
        Tok::Num(n) => format!("the number {}", number_text(*n)),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::LBracket => "`[`".into(),
        Tok::RBracket => "`]`".into(),
        Tok::Comma => "`,`".into(),
        Tok::Op(op) => format!("`{}`", op.text()),
        Tok::End => "the end of the expression".into(),
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

fn lex(text: &str) -> Result<Vec<(Tok, Pos)>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
        let tok = match c {
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            ',' => Tok::Comma,
            '=' if two == "==" => Tok::Op(CmpOp::Eq),
            '!' if two == "!=" => Tok::Op(CmpOp::Ne),
            '<' if two == "<=" => Tok::Op(CmpOp::Le),
            '>' if two == ">=" => Tok::Op(CmpOp::Ge),
            '<' => Tok::Op(CmpOp::Lt),
            '>' => Tok::Op(CmpOp::Gt),
            '=' => {
                return Err(
                    ExprError::new("E027", "unexpected `=`", (i, 1)).hint("compare with `==`")
                )
            }
            '&' | '|' | '!' => {
                let (len, word) = match (c, two.as_str()) {
                    (_, "&&") | (_, "||") => (2, if c == '&' { "and" } else { "or" }),
                    ('!', _) => (1, "not"),
                    ('&', _) => (1, "and"),
                    _ => (1, "or"),
                };
                let shown: String = chars[i..i + len].iter().collect();
                return Err(
                    ExprError::new("E027", format!("unexpected `{shown}`"), (i, len))
                        .hint(format!("write `{word}`")),
                );
            }
            '"' | '\'' => {
                let mut j = i + 1;
                let mut value = String::new();
                while j < chars.len() && chars[j] != c {
                    value.push(chars[j]);
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(
                        ExprError::new("E027", "unterminated text", (i, chars.len() - i))
                            .hint(format!("close it with {c}")),
                    );
                }
                i = j + 1;
                out.push((Tok::Str(value), (start, i - start)));
                continue;
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let mut j = i + 1;
                while j < chars.len()
                    && (chars[j].is_ascii_digit() || chars[j] == '_' || chars[j] == '.')
                {
                    j += 1;
                }
                let raw: String = chars[i..j].iter().filter(|c| **c != '_').collect();
                let Ok(n) = raw.parse::<f64>() else {
                    let shown: String = chars[i..j].iter().collect();
                    return Err(ExprError::new(
                        "E027",
                        format!("`{shown}` is not a number"),
                        (i, j - i),
                    ));
                };
                i = j;
                out.push((Tok::Num(n), (start, i - start)));
                continue;
            }
            c if is_ident_start(c) => {
                let mut j = i + 1;
                while j < chars.len() && is_ident_char(chars[j]) {
                    j += 1;
                }
                let word: String = chars[i..j].iter().collect();
                i = j;
                out.push((Tok::Ident(word), (start, i - start)));
                continue;
            }
            other => {
                return Err(ExprError::new(
                    "E027",
                    format!("unexpected character `{other}`"),
                    (i, 1),
                ))
            }
        };
        let len = match tok {
            Tok::Op(CmpOp::Eq | CmpOp::Ne | CmpOp::Le | CmpOp::Ge) => 2,
            _ => 1,
        };
        i += len;
        out.push((tok, (start, len)));
    }
    out.push((Tok::End, (chars.len(), 1)));
    Ok(out)
}

// ---------------------------------------------------------------------------
// Parser: text to an untyped tree
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Ast {
    Ident(String, Pos),
    Str(String, Pos),
    Num(f64, Pos),
    Bool(bool, Pos),
    List(Vec<Ast>, Pos),
    Not(Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
    Cmp(CmpOp, Box<Ast>, Box<Ast>, Pos),
    In {
        item: Box<Ast>,
        list: Box<Ast>,
        negated: bool,
        at: Pos,
    },
    Contains(Box<Ast>, Box<Ast>, Pos),
    Quant {
        all: bool,
        over: String,
        over_at: Pos,
        body: Box<Ast>,
    },
}

impl Ast {
    fn pos(&self) -> Pos {
        match self {
            Ast::Ident(_, p)
            | Ast::Str(_, p)
            | Ast::Num(_, p)
            | Ast::Bool(_, p)
            | Ast::List(_, p) => *p,
            Ast::Not(a) => a.pos(),
            Ast::And(a, _) | Ast::Or(a, _) => a.pos(),
            Ast::Cmp(_, a, _, _) => a.pos(),
            Ast::In { item, .. } => item.pos(),
            Ast::Contains(a, _, _) => a.pos(),
            Ast::Quant { over_at, .. } => *over_at,
        }
    }
}

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "contains", "any", "all", "true", "false",
];

struct Parser {
    toks: Vec<(Tok, Pos)>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &(Tok, Pos) {
        &self.toks[self.at.min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> (Tok, Pos) {
        let t = self.peek().clone();
        if self.at < self.toks.len() - 1 {
            self.at += 1;
        }
        t
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(&self.peek().0, Tok::Ident(w) if w == word)
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<Pos, ExprError> {
        let (tok, pos) = self.next();
        if tok == want {
            Ok(pos)
        } else {
            Err(ExprError::new(
                "E027",
                format!("expected {what}, found {}", describe(&tok)),
                pos,
            ))
        }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::new(
                "E027",
                format!("expression nested deeper than {MAX_DEPTH} levels"),
                self.peek().1,
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Ast, ExprError> {
        self.enter()?;
        let mut left = self.and()?;
        while self.is_word("or") {
            self.next();
            let right = self.and()?;
            left = Ast::Or(Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.unary()?;
        while self.is_word("and") {
            self.next();
            let right = self.unary()?;
            left = Ast::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Ast, ExprError> {
        if self.is_word("not") {
            self.enter()?;
            self.next();
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Ast::Not(Box::new(inner)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Ast, ExprError> {
        let left = self.primary()?;
        let (tok, pos) = self.peek().clone();
        match tok {
            Tok::Op(op) => {
                self.next();
                let right = self.primary()?;
                Ok(Ast::Cmp(op, Box::new(left), Box::new(right), pos))
            }
            Tok::Ident(w) if w == "in" => {
                self.next();
                let list = self.primary()?;
                Ok(Ast::In {
                    item: Box::new(left),
                    list: Box::new(list),
                    negated: false,
                    at: pos,
                })
            }
            Tok::Ident(w)
                if w == "not"
                    && matches!(&self.toks.get(self.at + 1), Some((Tok::Ident(n), _)) if n == "in") =>
            {
                self.next();
                self.next();
                let list = self.primary()?;
                Ok(Ast::In {
                    item: Box::new(left),
                    list: Box::new(list),
                    negated: true,
                    at: pos,
                })
            }
            Tok::Ident(w) if w == "contains" => {
                self.next();
                let item = self.primary()?;
                Ok(Ast::Contains(Box::new(left), Box::new(item), pos))
            }
            _ => Ok(left),
        }
    }

    fn primary(&mut self) -> Result<Ast, ExprError> {
        let (tok, pos) = self.next();
        match tok {
            Tok::LParen => {
                let inner = self.or()?;
                self.expect(Tok::RParen, "`)`")?;
                Ok(inner)
            }
            Tok::LBracket => {
                let mut items = Vec::new();
                if self.peek().0 != Tok::RBracket {
                    loop {
                        items.push(self.primary()?);
                        if self.peek().0 == Tok::Comma {
                            self.next();
                            continue;
                        }
                        break;
                    }
                }
                self.expect(Tok::RBracket, "`,` or `]`")?;
                Ok(Ast::List(items, pos))
            }
            Tok::Str(s) => Ok(Ast::Str(s, pos)),
            Tok::Num(n) => Ok(Ast::Num(n, pos)),
            Tok::Ident(w) if w == "true" || w == "false" => Ok(Ast::Bool(w == "true", pos)),
            Tok::Ident(w) if w == "any" || w == "all" => {
                self.expect(Tok::LParen, &format!("`(` after `{w}`"))?;
                let (over, over_at) = match self.next() {
                    (Tok::Ident(o), p) => (o, p),
                    (t, p) => {
                        return Err(ExprError::new(
                            "E027",
                            format!(
                                "expected the elements to test, such as `incoming`, found {}",
                                describe(&t)
                            ),
                            p,
                        ))
                    }
                };
                self.expect(Tok::Comma, "`,`")?;
                self.enter()?;
                let body = self.or()?;
                self.depth -= 1;
                self.expect(Tok::RParen, "`)`")?;
                Ok(Ast::Quant {
                    all: w == "all",
                    over,
                    over_at,
                    body: Box::new(body),
                })
            }
            Tok::Ident(w) if KEYWORDS.contains(&w.as_str()) => Err(ExprError::new(
                "E027",
                format!("expected a value or an attribute, found `{w}`"),
                pos,
            )),
            Tok::Ident(w) => Ok(Ast::Ident(w, pos)),
            other => Err(ExprError::new(
                "E027",
                format!(
                    "expected a value or an attribute, found {}",
                    describe(&other)
                ),
                pos,
            )),
        }
    }
}

// ---------------------------------------------------------------------------
// Types, values and attributes
// ---------------------------------------------------------------------------

/// A closed set of words, such as the classifications.
#[derive(Debug)]
pub struct EnumDef {
    pub name: &'static str,
    pub values: fn() -> &'static [&'static str],
    /// Compared by position with `<`, `>=`...
    pub ordered: bool,
}

#[derive(Clone, Copy, Debug)]
enum Ty {
    Bool,
    Num,
    Str,
    Enum(&'static EnumDef),
    /// A list of words; of an enum when given.
    List(Option<&'static EnumDef>),
}

impl Ty {
    fn name(self) -> String {
        match self {
            Ty::Bool => "a boolean".into(),
            Ty::Num => "a number".into(),
            Ty::Str => "text".into(),
            Ty::Enum(e) => format!("a {}", e.name),
            Ty::List(_) => "a list".into(),
        }
    }
}

fn same_enum(a: &EnumDef, b: &EnumDef) -> bool {
    std::ptr::eq(a, b)
}

static CLASSIFICATION: EnumDef = EnumDef {
    name: "classification",
    values: || &["public", "internal", "confidential", "restricted"],
    ordered: true,
};
static KIND: EnumDef = EnumDef {
    name: "component kind",
    values: || &["external-entity", "process", "datastore"],
    ordered: false,
};
static AUTHENTICATION: EnumDef = EnumDef {
    name: "authentication",
    values: || {
        &[
            "none",
            "password",
            "api-key",
            "session",
            "token",
            "oauth2",
            "oidc",
            "saml",
            "mtls",
            "certificate",
            "kerberos",
            "iam",
        ]
    },
    ordered: false,
};
static AUTHORIZATION: EnumDef = EnumDef {
    name: "authorization",
    values: || &["none", "technical-user", "end-user"],
    ordered: false,
};
static MACHINE: EnumDef = EnumDef {
    name: "machine",
    values: || &["none", "physical", "virtual", "container", "serverless"],
    ordered: false,
};
static USAGE: EnumDef = EnumDef {
    name: "usage",
    values: || &["business", "devops"],
    ordered: false,
};
static SECRETS: EnumDef = EnumDef {
    name: "secret store",
    values: || {
        &[
            "unknown",
            "vault",
            "managed",
            "environment",
            "config",
            "code",
            "none",
        ]
    },
    ordered: false,
};
static PERMISSIONS: EnumDef = EnumDef {
    name: "permissions",
    values: || &["unknown", "least-privilege", "wildcard"],
    ordered: false,
};
static DEPLOYMENT: EnumDef = EnumDef {
    name: "deployment",
    values: || &["unknown", "push", "pull", "manual"],
    ordered: false,
};
static FORMAT: EnumDef = EnumDef {
    name: "data format",
    values: || {
        &[
            "json",
            "xml",
            "yaml",
            "csv",
            "serialization",
            "file",
            "form",
            "graphql",
            "protobuf",
        ]
    },
    ordered: false,
};
static CATEGORY: EnumDef = EnumDef {
    name: "technology category",
    values: categories,
    ordered: false,
};

/// The kebab-case name of a technology category (`SqlDatabase` → `sql-database`).
pub fn category_name(c: TechCategory) -> String {
    let mut out = String::new();
    for (i, ch) in format!("{c:?}").chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

fn categories() -> &'static [&'static str] {
    static ALL: OnceLock<Vec<&'static str>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut names: Vec<&'static str> = Vec::new();
        for (_, c) in TECHNOLOGIES {
            let name = category_name(*c);
            if !names.contains(&name.as_str()) {
                // Leaked once per category for the life of the process: the set is small and fixed.
                names.push(Box::leak(name.into_boxed_str()));
            }
        }
        names
    })
}

/// A value read from the model or written in the expression.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<String>),
    /// Not set (the classification of a component that holds no data).
    Missing,
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl Val {
    fn shown(&self) -> String {
        match self {
            Val::Bool(b) => b.to_string(),
            Val::Num(n) => number_text(*n),
            Val::Str(s) => format!("`{s}`"),
            Val::List(items) if items.is_empty() => "empty".into(),
            Val::List(items) => format!("`[{}]`", items.join(", ")),
            Val::Missing => "not set".into(),
        }
    }
}

/// The kebab-case word serde writes for a format enum.
fn word<T: Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn opt_word<T: Serialize>(value: Option<T>, unset: &str) -> Val {
    Val::Str(value.map(word).unwrap_or_else(|| unset.to_string()))
}

fn ids(estate: &Estate, data: &[DataIdx]) -> Val {
    Val::List(data.iter().map(|d| estate[*d].id().to_string()).collect())
}

fn data_classification(estate: &Estate, data: &[DataIdx]) -> Val {
    estate
        .highest_classification(data)
        .map_or(Val::Missing, |c: Classification| {
            Val::Str(classification_name(c).to_string())
        })
}

fn data_personal(estate: &Estate, data: &[DataIdx]) -> Val {
    Val::Bool(data.iter().any(|d| estate[*d].raw.personal))
}

fn data_records(estate: &Estate, data: &[DataIdx]) -> Val {
    data.iter()
        .filter_map(|d| estate[*d].raw.records.as_ref().map(|r| r.value))
        .max()
        .map_or(Val::Missing, |r| Val::Num(r as f64))
}

fn held(estate: &Estate, c: ComponentIdx) -> Vec<DataIdx> {
    crate::facts::held_data(estate, c)
}

struct Attr<I: 'static> {
    name: &'static str,
    ty: Ty,
    get: fn(&Estate, I) -> Val,
}

macro_rules! attrs {
    ($idx:ty; $($name:literal: $ty:expr => |$e:ident, $i:ident| $body:expr;)*) => {
        &[$(Attr::<$idx> { name: $name, ty: $ty, get: |$e: &Estate, $i: $idx| $body }),*]
    };
}

static COMPONENT_ATTRS: &[Attr<ComponentIdx>] = attrs! { ComponentIdx;
    "id": Ty::Str => |e, c| Val::Str(e[c].id().to_string());
    "name": Ty::Str => |e, c| Val::Str(e[c].name().to_string());
    "system": Ty::Str => |e, c| Val::Str(e[e[c].system].id().to_string());
    "owner": Ty::Str => |e, c| Val::Str(e[e[c].owner].id.value.clone());
    "technology": Ty::Str => |e, c| Val::Str(e[c].raw.technology.value.clone());
    "category": Ty::Enum(&CATEGORY) => |e, c| Val::Str(category_name(e[c].category));
    "kind": Ty::Enum(&KIND) => |e, c| Val::Str(word(e[c].raw.kind));
    "zone": Ty::Str => |e, c| Val::Str(e.zone_of(c).id().to_string());
    "zone.trust": Ty::Num => |e, c| Val::Num(e.zone_of(c).trust() as f64);
    "internet_facing": Ty::Bool => |e, c| Val::Bool(e[c].raw.internet_facing);
    "internet_reachable": Ty::Bool => |e, c| Val::Bool(crate::facts::internet_reachable(e, c));
    "encrypted_at_rest": Ty::Bool => |e, c| Val::Bool(e[c].raw.encrypted_at_rest.unwrap_or(false));
    "mfa": Ty::Bool => |e, c| Val::Bool(e[c].raw.mfa.unwrap_or(false));
    "audit_log": Ty::Bool => |e, c| Val::Bool(e[c].raw.audit_log.unwrap_or(false));
    "waf": Ty::Bool => |e, c| Val::Bool(e[c].raw.waf.unwrap_or(false));
    "rate_limited": Ty::Bool => |e, c| Val::Bool(e[c].raw.rate_limited.unwrap_or(false));
    "redundant": Ty::Bool => |e, c| Val::Bool(e[c].raw.redundant.unwrap_or(false));
    "hardened": Ty::Bool => |e, c| Val::Bool(e[c].raw.hardened.unwrap_or(false));
    "custom_code": Ty::Bool => |e, c| Val::Bool(e[c].raw.custom_code.unwrap_or(false));
    "third_party": Ty::Bool => |e, c| Val::Bool(e[c].raw.third_party);
    "human_use": Ty::Bool => |e, c| Val::Bool(e[c].raw.human_use);
    "admin_interface": Ty::Bool => |e, c| Val::Bool(e[c].raw.admin_interface);
    "public_access": Ty::Bool => |e, c| Val::Bool(e[c].raw.public_access);
    "multi_tenant": Ty::Bool => |e, c| Val::Bool(e[c].raw.multi_tenant);
    "shared_accounts": Ty::Bool => |e, c| Val::Bool(e[c].raw.shared_accounts);
    "backups": Ty::Bool => |e, c| Val::Bool(e[c].raw.backups.is_some());
    "backups.encrypted": Ty::Bool => |e, c| Val::Bool(e[c].raw.backups.is_some_and(|b| b.encrypted));
    "machine": Ty::Enum(&MACHINE) => |e, c| opt_word(e[c].raw.machine, "none");
    "usage": Ty::Enum(&USAGE) => |e, c| Val::Str(word(e[c].raw.usage.unwrap_or_default()));
    "secrets": Ty::Enum(&SECRETS) => |e, c| opt_word(e[c].raw.secrets, "unknown");
    "permissions": Ty::Enum(&PERMISSIONS) => |e, c| opt_word(e[c].raw.permissions, "unknown");
    "deployment": Ty::Enum(&DEPLOYMENT) => |e, c| opt_word(e[c].raw.deployment, "unknown");
    "accepts": Ty::List(Some(&FORMAT)) => |e, c| Val::List(e[c].raw.accepts.iter().map(|f| word(*f)).collect());
    "tags": Ty::List(None) => |e, c| Val::List(e[c].raw.tags.clone());
    "stores": Ty::List(None) => |e, c| ids(e, &e[c].stores);
    "processes": Ty::List(None) => |e, c| ids(e, &e[c].processes);
    "data": Ty::List(None) => |e, c| ids(e, &held(e, c));
    "data.classification": Ty::Enum(&CLASSIFICATION) => |e, c| data_classification(e, &held(e, c));
    "data.personal": Ty::Bool => |e, c| data_personal(e, &held(e, c));
    "data.records": Ty::Num => |e, c| data_records(e, &held(e, c));
    "business_risks": Ty::List(None) => |e, c| Val::List(e[c].business_risks.iter().map(|r| e[*r].id.value.clone()).collect());
    "used_by_other_systems": Ty::Bool => |e, c| Val::Bool(!e[c].used_by.is_empty());
};

static FLOW_ATTRS: &[Attr<FlowIdx>] = attrs! { FlowIdx;
    "id": Ty::Str => |e, f| Val::Str(e[f].id().to_string());
    "system": Ty::Str => |e, f| Val::Str(e[e[f].system].id().to_string());
    "protocol": Ty::Str => |e, f| Val::Str(e[f].raw.protocol.value.clone());
    "tls": Ty::Bool => |e, f| Val::Bool(e[f].encrypted);
    "encrypted": Ty::Bool => |e, f| Val::Bool(e[f].encrypted);
    "authentication": Ty::Enum(&AUTHENTICATION) => |e, f| opt_word(e[f].raw.authentication, "none");
    "authorization": Ty::Enum(&AUTHORIZATION) => |e, f| opt_word(e[f].raw.authorization, "none");
    "crosses_boundary": Ty::Bool => |e, f| Val::Bool(crosses_boundary(e, f).is_some());
    "into_more_trust": Ty::Bool => |e, f| Val::Bool(crate::facts::crosses_into_more_trust(e, f).is_some());
    "readonly": Ty::Bool => |e, f| Val::Bool(e[f].raw.readonly);
    "vpn": Ty::Bool => |e, f| Val::Bool(e[f].raw.vpn);
    "usage": Ty::Enum(&USAGE) => |e, f| Val::Str(word(e[f].raw.usage.unwrap_or_default()));
    "tags": Ty::List(None) => |e, f| Val::List(e[f].raw.tags.clone());
    "data": Ty::List(None) => |e, f| ids(e, &e[f].data);
    "data.classification": Ty::Enum(&CLASSIFICATION) => |e, f| data_classification(e, &e[f].data);
    "data.personal": Ty::Bool => |e, f| data_personal(e, &e[f].data);
    "data.records": Ty::Num => |e, f| data_records(e, &e[f].data);
};

static DATA_ATTRS: &[Attr<DataIdx>] = attrs! { DataIdx;
    "id": Ty::Str => |e, d| Val::Str(e[d].id().to_string());
    "name": Ty::Str => |e, d| Val::Str(e[d].raw.name.clone());
    "system": Ty::Str => |e, d| Val::Str(e[e[d].system].id().to_string());
    "classification": Ty::Enum(&CLASSIFICATION) => |e, d| Val::Str(classification_name(e[d].raw.classification).to_string());
    "records": Ty::Num => |e, d| e[d].raw.records.as_ref().map_or(Val::Missing, |r| Val::Num(r.value as f64));
    "personal": Ty::Bool => |e, d| Val::Bool(e[d].raw.personal);
    "business_risks": Ty::List(None) => |e, d| Val::List(e[d].business_risks.iter().map(|r| e[*r].id.value.clone()).collect());
};

/// The attribute names a target offers, for documentation and hints.
pub fn attribute_names(target: RuleTarget) -> Vec<String> {
    match target {
        RuleTarget::Component => COMPONENT_ATTRS.iter().map(|a| a.name.to_string()).collect(),
        RuleTarget::Data => DATA_ATTRS.iter().map(|a| a.name.to_string()).collect(),
        RuleTarget::Flow => {
            let mut names: Vec<String> = FLOW_ATTRS.iter().map(|a| a.name.to_string()).collect();
            for end in ["from", "to"] {
                names.extend(COMPONENT_ATTRS.iter().map(|a| format!("{end}.{}", a.name)));
            }
            names
        }
    }
}

/// The element sets `any(...)` and `all(...)` range over, by target: `(name, element target)`.
fn neighbour_sets(target: RuleTarget) -> &'static [(&'static str, RuleTarget)] {
    match target {
        RuleTarget::Component => &[
            ("incoming", RuleTarget::Flow),
            ("outgoing", RuleTarget::Flow),
            ("data", RuleTarget::Data),
        ],
        RuleTarget::Flow => &[("data", RuleTarget::Data)],
        RuleTarget::Data => &[
            ("stored_by", RuleTarget::Component),
            ("processed_by", RuleTarget::Component),
            ("carried_by", RuleTarget::Flow),
        ],
    }
}

fn target_name(target: RuleTarget) -> &'static str {
    match target {
        RuleTarget::Component => "component",
        RuleTarget::Flow => "flow",
        RuleTarget::Data => "data",
    }
}

// ---------------------------------------------------------------------------
// Compiled form
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Getter {
    Component(fn(&Estate, ComponentIdx) -> Val),
    Flow(fn(&Estate, FlowIdx) -> Val),
    Data(fn(&Estate, DataIdx) -> Val),
    /// An attribute of a flow's `from` (false) or `to` (true) component.
    FlowEnd(bool, fn(&Estate, ComponentIdx) -> Val),
}

/// The element an expression is evaluated on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Component(ComponentIdx),
    Flow(FlowIdx),
    Data(DataIdx),
}

#[derive(Clone, Copy, Debug)]
enum Over {
    Incoming,
    Outgoing,
    ComponentData,
    FlowData,
    StoredBy,
    ProcessedBy,
    CarriedBy,
}

enum Node {
    Lit(Val),
    Attr {
        path: String,
        get: Getter,
    },
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Cmp {
        op: CmpOp,
        left: Box<Node>,
        right: Box<Node>,
        order: Option<&'static EnumDef>,
    },
    In {
        item: Box<Node>,
        list: Vec<Val>,
        negated: bool,
    },
    Contains {
        list: Box<Node>,
        item: Val,
    },
    Quant {
        all: bool,
        over: Over,
        body: Box<Node>,
    },
}

/// A compiled condition, ready to evaluate on elements of its target.
pub struct Expr {
    target: RuleTarget,
    root: Node,
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expr")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// Compiles `text` as a condition on elements of `target`.
pub fn compile(text: &str, target: RuleTarget) -> Result<Expr, ExprError> {
    let len = text.chars().count();
    if len > MAX_LEN {
        return Err(ExprError::new(
            "E027",
            format!("expression is {len} characters long, more than the limit of {MAX_LEN}"),
            (0, 1),
        ));
    }
    let toks = lex(text)?;
    if toks.len() == 1 {
        return Err(ExprError::new("E027", "the condition is empty", (0, 1))
            .hint("write a condition such as `internet_facing and not mfa`"));
    }
    let mut parser = Parser {
        toks,
        at: 0,
        depth: 0,
    };
    let ast = parser.or()?;
    let (tok, pos) = parser.peek().clone();
    if tok != Tok::End {
        let hint = match &tok {
            Tok::Ident(_) | Tok::Str(_) | Tok::Num(_) => Some("join conditions with `and` or `or`"),
            _ => None,
        };
        let mut e = ExprError::new(
            "E027",
            format!(
                "expected `and`, `or` or the end of the expression, found {}",
                describe(&tok)
            ),
            pos,
        );
        e.hint = hint.map(str::to_string);
        return Err(e);
    }
    let root = Checker { target }.condition(&ast)?;
    Ok(Expr { target, root })
}

struct Checker {
    target: RuleTarget,
}

/// A typed operand of a comparison.
enum Operand {
    Node(Node, Ty),
    /// A bare word that is not an attribute: maybe a value of an enum.
    Word(String, Pos),
}

impl Checker {
    fn attr(&self, name: &str, at: Pos) -> Result<(Node, Ty), ExprError> {
        let found = match self.target {
            RuleTarget::Component => COMPONENT_ATTRS
                .iter()
                .find(|a| a.name == name)
                .map(|a| (Getter::Component(a.get), a.ty)),
            RuleTarget::Data => DATA_ATTRS
                .iter()
                .find(|a| a.name == name)
                .map(|a| (Getter::Data(a.get), a.ty)),
            RuleTarget::Flow => FLOW_ATTRS
                .iter()
                .find(|a| a.name == name)
                .map(|a| (Getter::Flow(a.get), a.ty))
                .or_else(|| {
                    let (end, rest) = name.split_once('.')?;
                    let to = match end {
                        "from" => false,
                        "to" => true,
                        _ => return None,
                    };
                    COMPONENT_ATTRS
                        .iter()
                        .find(|a| a.name == rest)
                        .map(|a| (Getter::FlowEnd(to, a.get), a.ty))
                }),
        };
        match found {
            Some((get, ty)) => Ok((
                Node::Attr {
                    path: name.to_string(),
                    get,
                },
                ty,
            )),
            None => Err(self.unknown_attr(name, at)),
        }
    }

    fn unknown_attr(&self, name: &str, at: Pos) -> ExprError {
        let names = attribute_names(self.target);
        let e = ExprError::new(
            "E028",
            format!("unknown {} attribute `{name}`", target_name(self.target)),
            at,
        );
        match closest(name, names.iter().map(String::as_str)) {
            Some(best) => e.hint(format!("did you mean `{best}`?")),
            None => e.hint("docs/rules.md lists the attributes"),
        }
    }

    fn is_attr(&self, name: &str) -> bool {
        attribute_names(self.target).iter().any(|n| n == name)
    }

    fn condition(&self, ast: &Ast) -> Result<Node, ExprError> {
        match ast {
            Ast::Not(inner) => Ok(Node::Not(Box::new(self.condition(inner)?))),
            Ast::And(a, b) => Ok(Node::And(
                Box::new(self.condition(a)?),
                Box::new(self.condition(b)?),
            )),
            Ast::Or(a, b) => Ok(Node::Or(
                Box::new(self.condition(a)?),
                Box::new(self.condition(b)?),
            )),
            Ast::Bool(b, _) => Ok(Node::Lit(Val::Bool(*b))),
            Ast::Ident(name, at) => {
                let (node, ty) = self.attr(name, *at)?;
                match ty {
                    Ty::Bool => Ok(node),
                    other => {
                        let example = match other {
                            Ty::Num => format!("`{name} > 0`"),
                            Ty::List(_) => format!("`{name} contains \"...\"`"),
                            Ty::Enum(e) => format!(
                                "`{name} == {}`",
                                (e.values)().first().copied().unwrap_or("...")
                            ),
                            _ => format!("`{name} == \"...\"`"),
                        };
                        Err(ExprError::new(
                            "E029",
                            format!("`{name}` is {}, not a condition", other.name()),
                            *at,
                        )
                        .hint(format!("compare it, as in {example}")))
                    }
                }
            }
            Ast::Cmp(op, left, right, at) => self.comparison(*op, left, right, *at),
            Ast::In {
                item,
                list,
                negated,
                at,
            } => self.membership(item, list, *negated, *at),
            Ast::Contains(list, item, at) => self.contains(list, item, *at),
            Ast::Quant {
                all,
                over,
                over_at,
                body,
            } => {
                let sets = neighbour_sets(self.target);
                let Some((_, inner)) = sets.iter().find(|(n, _)| n == over) else {
                    let names: Vec<&str> = sets.iter().map(|(n, _)| *n).collect();
                    let e = ExprError::new(
                        "E028",
                        format!(
                            "`{}(...)` cannot range over `{over}` of a {}",
                            if *all { "all" } else { "any" },
                            target_name(self.target)
                        ),
                        *over_at,
                    );
                    return Err(e.hint(match closest(over, names.iter().copied()) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => format!("use one of: {}", names.join(", ")),
                    }));
                };
                let over = match (self.target, over.as_str()) {
                    (RuleTarget::Component, "incoming") => Over::Incoming,
                    (RuleTarget::Component, "outgoing") => Over::Outgoing,
                    (RuleTarget::Component, _) => Over::ComponentData,
                    (RuleTarget::Flow, _) => Over::FlowData,
                    (RuleTarget::Data, "stored_by") => Over::StoredBy,
                    (RuleTarget::Data, "processed_by") => Over::ProcessedBy,
                    (RuleTarget::Data, _) => Over::CarriedBy,
                };
                let body = Checker { target: *inner }.condition(body)?;
                Ok(Node::Quant {
                    all: *all,
                    over,
                    body: Box::new(body),
                })
            }
            Ast::Str(s, at) => Err(ExprError::new(
                "E029",
                format!("the text \"{s}\" is not a condition"),
                *at,
            )),
            Ast::Num(n, at) => Err(ExprError::new(
                "E029",
                format!("the number {} is not a condition", number_text(*n)),
                *at,
            )),
            Ast::List(_, at) => Err(ExprError::new("E029", "a list is not a condition", *at)),
        }
    }

    fn operand(&self, ast: &Ast) -> Result<Operand, ExprError> {
        match ast {
            Ast::Ident(name, at) if self.is_attr(name) => {
                let (node, ty) = self.attr(name, *at)?;
                Ok(Operand::Node(node, ty))
            }
            Ast::Ident(name, at) => Ok(Operand::Word(name.clone(), *at)),
            Ast::Str(s, _) => Ok(Operand::Node(Node::Lit(Val::Str(s.clone())), Ty::Str)),
            Ast::Num(n, _) => Ok(Operand::Node(Node::Lit(Val::Num(*n)), Ty::Num)),
            Ast::Bool(b, _) => Ok(Operand::Node(Node::Lit(Val::Bool(*b)), Ty::Bool)),
            other => Err(ExprError::new(
                "E029",
                "expected a value or an attribute here",
                other.pos(),
            )),
        }
    }

    /// A word or a quoted text read as a value of `def`.
    fn enum_value(
        &self,
        def: &'static EnumDef,
        value: &str,
        at: Pos,
        what: &str,
    ) -> Result<Val, ExprError> {
        let values = (def.values)();
        if values.contains(&value) {
            return Ok(Val::Str(value.to_string()));
        }
        let e = ExprError::new("E028", format!("`{value}` is not a {}", def.name), at);
        Err(match closest(value, values.iter().copied()) {
            Some(best) => e.hint(format!("did you mean `{best}`?")),
            None => e.hint(format!("{what} is one of: {}", values.join(", "))),
        })
    }

    /// Resolves a bare word against the type of the other side.
    fn word_against(
        &self,
        word: &str,
        at: Pos,
        other: Ty,
        other_name: &str,
    ) -> Result<Node, ExprError> {
        match other {
            Ty::Enum(def) => Ok(Node::Lit(self.enum_value(def, word, at, other_name)?)),
            Ty::Str => {
                // A near miss of an attribute is a typo; anything else is probably text without quotes.
                let e = self.unknown_attr(word, at);
                if e.hint
                    .as_deref()
                    .is_some_and(|h| h.starts_with("did you mean"))
                {
                    Err(e)
                } else {
                    Err(e.hint(format!("to compare with the text, quote it: \"{word}\"")))
                }
            }
            _ => Err(self.unknown_attr(word, at)),
        }
    }

    fn comparison(&self, op: CmpOp, left: &Ast, right: &Ast, at: Pos) -> Result<Node, ExprError> {
        let (l, r) = (self.operand(left)?, self.operand(right)?);
        let name_of = |ast: &Ast| match ast {
            Ast::Ident(n, _) => format!("`{n}`"),
            Ast::Str(s, _) => format!("\"{s}\""),
            Ast::Num(n, _) => number_text(*n),
            Ast::Bool(b, _) => b.to_string(),
            _ => "this".into(),
        };
        let (l, lt, r, rt) = match (l, r) {
            (Operand::Word(w, p), Operand::Word(_, _)) => return Err(self.unknown_attr(&w, p)),
            (Operand::Word(w, p), Operand::Node(n, t)) => {
                (self.word_against(&w, p, t, &name_of(right))?, t, n, t)
            }
            (Operand::Node(n, t), Operand::Word(w, p)) => {
                let wn = self.word_against(&w, p, t, &name_of(left))?;
                (n, t, wn, t)
            }
            (Operand::Node(a, at_), Operand::Node(b, bt)) => (a, at_, b, bt),
        };
        // A quoted text compared with an enum attribute must be one of its values.
        let (l, r) = match (lt, rt, &l, &r) {
            (Ty::Enum(def), Ty::Str, _, Node::Lit(Val::Str(s))) => {
                let v = self.enum_value(def, s, right.pos(), &name_of(left))?;
                (l, Node::Lit(v))
            }
            (Ty::Str, Ty::Enum(def), Node::Lit(Val::Str(s)), _) => {
                let v = self.enum_value(def, s, left.pos(), &name_of(right))?;
                (Node::Lit(v), r)
            }
            _ => (l, r),
        };
        let compatible = match (lt, rt) {
            (Ty::Bool, Ty::Bool) | (Ty::Num, Ty::Num) | (Ty::Str, Ty::Str) => true,
            (Ty::Enum(a), Ty::Enum(b)) => same_enum(a, b),
            (Ty::Enum(_), Ty::Str) | (Ty::Str, Ty::Enum(_)) => true,
            _ => false,
        };
        if !compatible {
            return Err(ExprError::new(
                "E029",
                format!(
                    "cannot compare {} ({}) with {} ({})",
                    name_of(left),
                    lt.name(),
                    name_of(right),
                    rt.name()
                ),
                at,
            ));
        }
        let order = match (lt, rt) {
            (Ty::Enum(def), _) | (_, Ty::Enum(def)) => Some(def),
            _ => None,
        };
        if matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge) {
            let ordered = match (lt, order) {
                (Ty::Num, _) => true,
                (_, Some(def)) => def.ordered,
                _ => false,
            };
            if !ordered {
                return Err(ExprError::new(
                    "E029",
                    format!(
                        "`{}` compares numbers and classifications, not {}",
                        op.text(),
                        lt.name()
                    ),
                    at,
                )
                .hint("use `==`, `!=` or `in [...]`"));
            }
        }
        Ok(Node::Cmp {
            op,
            left: Box::new(l),
            right: Box::new(r),
            order,
        })
    }

    fn membership(
        &self,
        item: &Ast,
        list: &Ast,
        negated: bool,
        at: Pos,
    ) -> Result<Node, ExprError> {
        let Ast::List(items, _) = list else {
            return Err(ExprError::new(
                "E029",
                "`in` needs a list such as `[\"a\", \"b\"]`",
                list.pos(),
            )
            .hint("to test a list attribute, write `list contains value`"));
        };
        let (node, ty) = match self.operand(item)? {
            Operand::Node(n, t) => (n, t),
            Operand::Word(w, p) => return Err(self.unknown_attr(&w, p)),
        };
        let name = match item {
            Ast::Ident(n, _) => format!("`{n}`"),
            _ => "the value".into(),
        };
        let mut values = Vec::new();
        for v in items {
            let value = match (ty, v) {
                (Ty::Enum(def), Ast::Ident(w, p) | Ast::Str(w, p)) => {
                    self.enum_value(def, w, *p, &name)?
                }
                (Ty::Str, Ast::Str(s, _)) => Val::Str(s.clone()),
                (Ty::Str, Ast::Ident(w, p)) => {
                    return Err(ExprError::new(
                        "E029",
                        format!("`{w}` in a list of text must be quoted"),
                        *p,
                    )
                    .hint(format!("write \"{w}\"")))
                }
                (Ty::Num, Ast::Num(n, _)) => Val::Num(*n),
                (Ty::Bool, Ast::Bool(b, _)) => Val::Bool(*b),
                (Ty::List(_), _) => {
                    return Err(ExprError::new(
                        "E029",
                        format!("{name} is a list; `in` tests a single value"),
                        at,
                    )
                    .hint(format!("write `{} contains ...`", name.trim_matches('`'))))
                }
                (ty, other) => {
                    return Err(ExprError::new(
                        "E029",
                        format!("the list holds a value that is not {}", ty.name()),
                        other.pos(),
                    ))
                }
            };
            values.push(value);
        }
        Ok(Node::In {
            item: Box::new(node),
            list: values,
            negated,
        })
    }

    fn contains(&self, list: &Ast, item: &Ast, at: Pos) -> Result<Node, ExprError> {
        let (node, ty) = match self.operand(list)? {
            Operand::Node(n, t) => (n, t),
            Operand::Word(w, p) => return Err(self.unknown_attr(&w, p)),
        };
        let Ty::List(elem) = ty else {
            return Err(ExprError::new(
                "E029",
                format!(
                    "`contains` needs a list attribute, and this is {}",
                    ty.name()
                ),
                at,
            )
            .hint("compare single values with `==` or `in [...]`"));
        };
        let value = match (elem, item) {
            (Some(def), Ast::Ident(w, p) | Ast::Str(w, p)) => self.enum_value(def, w, *p, "it")?,
            (None, Ast::Str(s, _)) => Val::Str(s.clone()),
            (None, Ast::Ident(w, p)) => {
                return Err(ExprError::new(
                    "E029",
                    format!("`{w}` must be quoted to test for it in a list"),
                    *p,
                )
                .hint(format!("write \"{w}\"")))
            }
            (_, other) => {
                return Err(ExprError::new(
                    "E029",
                    "`contains` tests for one word or quoted text",
                    other.pos(),
                ))
            }
        };
        Ok(Node::Contains {
            list: Box::new(node),
            item: value,
        })
    }
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

impl Expr {
    pub fn target(&self) -> RuleTarget {
        self.target
    }

    /// Evaluates on one element; when true, `facts` holds the tested attributes that made it so.
    pub fn eval(&self, estate: &Estate, subject: Subject, facts: &mut Vec<String>) -> bool {
        let mut raw = Vec::new();
        let hit = eval(&self.root, estate, subject, &mut raw);
        if hit {
            for f in raw {
                if !facts.contains(&f) {
                    facts.push(f);
                }
            }
        }
        hit
    }
}

fn read(get: Getter, estate: &Estate, subject: Subject) -> Val {
    match (get, subject) {
        (Getter::Component(g), Subject::Component(c)) => g(estate, c),
        (Getter::Flow(g), Subject::Flow(f)) => g(estate, f),
        (Getter::Data(g), Subject::Data(d)) => g(estate, d),
        (Getter::FlowEnd(to, g), Subject::Flow(f)) => {
            g(estate, if to { estate[f].to } else { estate[f].from })
        }
        // The checker gives every attribute the getter of its own target.
        _ => Val::Missing,
    }
}

fn value(node: &Node, estate: &Estate, subject: Subject, facts: &mut Vec<String>) -> Val {
    match node {
        Node::Lit(v) => v.clone(),
        Node::Attr { path, get } => {
            let v = read(*get, estate, subject);
            facts.push(format!("`{path}` is {}", v.shown()));
            v
        }
        other => Val::Bool(eval(other, estate, subject, facts)),
    }
}

fn rank(def: &EnumDef, v: &Val) -> Option<usize> {
    match v {
        Val::Str(s) => (def.values)().iter().position(|x| x == s),
        _ => None,
    }
}

fn eval(node: &Node, estate: &Estate, subject: Subject, facts: &mut Vec<String>) -> bool {
    match node {
        Node::Lit(Val::Bool(b)) => *b,
        Node::Lit(_) => false,
        Node::Attr { .. } => value(node, estate, subject, facts) == Val::Bool(true),
        Node::Not(inner) => !eval(inner, estate, subject, facts),
        Node::And(a, b) => eval(a, estate, subject, facts) && eval(b, estate, subject, facts),
        Node::Or(a, b) => {
            // Keep only the facts of the branch that decided.
            let mut left = Vec::new();
            if eval(a, estate, subject, &mut left) {
                facts.extend(left);
                return true;
            }
            let mut right = Vec::new();
            let hit = eval(b, estate, subject, &mut right);
            if hit {
                facts.extend(right);
            } else {
                facts.extend(left);
                facts.extend(right);
            }
            hit
        }
        Node::Cmp {
            op,
            left,
            right,
            order,
        } => {
            let l = value(left, estate, subject, facts);
            let r = value(right, estate, subject, facts);
            compare(*op, &l, &r, *order)
        }
        Node::In {
            item,
            list,
            negated,
        } => {
            let v = value(item, estate, subject, facts);
            if v == Val::Missing {
                return *negated;
            }
            list.contains(&v) != *negated
        }
        Node::Contains { list, item } => match (value(list, estate, subject, facts), item) {
            (Val::List(items), Val::Str(s)) => items.iter().any(|i| i == s),
            _ => false,
        },
        Node::Quant { all, over, body } => quantify(*all, *over, body, estate, subject, facts),
    }
}

fn compare(op: CmpOp, l: &Val, r: &Val, order: Option<&EnumDef>) -> bool {
    if *l == Val::Missing || *r == Val::Missing {
        return op == CmpOp::Ne && l != r;
    }
    let ordering = match (l, r, order) {
        (Val::Num(a), Val::Num(b), _) => a.partial_cmp(b),
        (_, _, Some(def)) if def.ordered => match (rank(def, l), rank(def, r)) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => None,
        },
        _ => None,
    };
    match op {
        CmpOp::Eq => l == r,
        CmpOp::Ne => l != r,
        CmpOp::Lt => ordering == Some(std::cmp::Ordering::Less),
        CmpOp::Le => matches!(
            ordering,
            Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
        ),
        CmpOp::Gt => ordering == Some(std::cmp::Ordering::Greater),
        CmpOp::Ge => matches!(
            ordering,
            Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
        ),
    }
}

fn quantify(
    all: bool,
    over: Over,
    body: &Node,
    estate: &Estate,
    subject: Subject,
    facts: &mut Vec<String>,
) -> bool {
    let members: Vec<(Subject, String)> = match (over, subject) {
        (Over::Incoming, Subject::Component(c)) => estate[c]
            .incoming
            .iter()
            .map(|f| {
                (
                    Subject::Flow(*f),
                    format!("incoming flow {}", flow_label(estate, *f)),
                )
            })
            .collect(),
        (Over::Outgoing, Subject::Component(c)) => estate[c]
            .outgoing
            .iter()
            .map(|f| {
                (
                    Subject::Flow(*f),
                    format!("outgoing flow {}", flow_label(estate, *f)),
                )
            })
            .collect(),
        (Over::ComponentData, Subject::Component(c)) => held(estate, c)
            .into_iter()
            .map(|d| (Subject::Data(d), format!("data `{}`", estate[d].id())))
            .collect(),
        (Over::FlowData, Subject::Flow(f)) => estate[f]
            .data
            .iter()
            .map(|d| (Subject::Data(*d), format!("data `{}`", estate[*d].id())))
            .collect(),
        (Over::StoredBy, Subject::Data(d)) => estate
            .component_indices()
            .filter(|c| estate[*c].stores.contains(&d))
            .map(|c| {
                (
                    Subject::Component(c),
                    format!("component `{}`", estate.qualified(c)),
                )
            })
            .collect(),
        (Over::ProcessedBy, Subject::Data(d)) => estate
            .component_indices()
            .filter(|c| estate[*c].processes.contains(&d))
            .map(|c| {
                (
                    Subject::Component(c),
                    format!("component `{}`", estate.qualified(c)),
                )
            })
            .collect(),
        (Over::CarriedBy, Subject::Data(d)) => estate
            .flow_indices()
            .filter(|f| estate[*f].data.contains(&d))
            .map(|f| (Subject::Flow(f), format!("flow {}", flow_label(estate, f))))
            .collect(),
        _ => Vec::new(),
    };
    let mut kept = Vec::new();
    for (member, label) in &members {
        let mut inner = Vec::new();
        let hit = eval(body, estate, *member, &mut inner);
        if hit != all {
            // `any` found a witness, or `all` found a counter-example: that element explains the result.
            facts.extend(inner.into_iter().map(|f| format!("{label}: {f}")));
            return !all;
        }
        if all {
            kept.extend(inner.into_iter().map(|f| format!("{label}: {f}")));
        }
    }
    if all {
        if members.is_empty() {
            facts.push("there is nothing to test".into());
        }
        facts.extend(kept);
    }
    all
}

/// Describes an attribute table for documentation: `(name, type)` per attribute.
pub fn attribute_table(target: RuleTarget) -> Vec<(String, String)> {
    let describe = |ty: Ty| match ty {
        Ty::Enum(def) => {
            let values = (def.values)();
            let mut s = String::new();
            let _ = write!(s, "{}", values.join(" \\| "));
            if def.ordered {
                s.push_str(" (ordered)");
            }
            s
        }
        Ty::List(Some(def)) => format!("list of {}", def.name),
        Ty::List(None) => "list of ids or words".into(),
        Ty::Bool => "boolean".into(),
        Ty::Num => "number".into(),
        Ty::Str => "text".into(),
    };
    match target {
        RuleTarget::Component => COMPONENT_ATTRS
            .iter()
            .map(|a| (a.name.to_string(), describe(a.ty)))
            .collect(),
        RuleTarget::Flow => FLOW_ATTRS
            .iter()
            .map(|a| (a.name.to_string(), describe(a.ty)))
            .collect(),
        RuleTarget::Data => DATA_ATTRS
            .iter()
            .map(|a| (a.name.to_string(), describe(a.ty)))
            .collect(),
    }
}
