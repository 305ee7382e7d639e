//! What a rule is: its metadata and documentation, and the check it runs.

use riskfirst_model::format::Stride;
use riskfirst_model::{ComponentIdx, DataIdx, Estate, FlowIdx, SystemIdx};

/// Everything a user reads about a rule. Built by [`crate::declare_rule!`]
/// from the rule's doc comment, so `rules explain`, `docs/rules/` and SARIF
/// help text come from one source.
#[derive(Clone, Copy, Debug)]
pub struct RuleMeta {
    /// Stable code: the STRIDE letter and three digits (`S001`). Never reused.
    pub code: &'static str,
    /// Kebab-case name of the weakness (`missing-authentication`).
    pub name: &'static str,
    pub stride: Stride,
    /// One line, lowercase, no trailing period; shown with every threat.
    pub summary: &'static str,
    pub cwe: &'static [u32],
    pub capec: &'static [u32],
    /// Base events per year for a typical organisation, 90% range `(low, high)`.
    pub frequency: (f64, f64),
    /// The doc comment as written (each line keeps the space after `///`);
    /// read it through [`RuleMeta::doc`].
    pub raw_doc: &'static str,
}

impl RuleMeta {
    /// The documentation in Markdown: What it does, Why is this bad?,
    /// Example, Use instead, Mitigations, References.
    pub fn doc(&self) -> String {
        let mut out = String::with_capacity(self.raw_doc.len());
        for line in self.raw_doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// The element a threat is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Element {
    Component(ComponentIdx),
    Flow(FlowIdx),
    Data(DataIdx),
}

/// What a rule found: one threat, before decisions and risk are applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The system the threat belongs to (whose model holds the element).
    pub system: SystemIdx,
    /// The elements concerned, most specific first. They make the threat id:
    /// `CODE@element@element`, so choose them so that the id is stable and
    /// unique per rule (usually the component, or a flow's two ends).
    pub elements: Vec<Element>,
    /// The facts that made the rule fire, each a short phrase a user checks
    /// against the model, such as "flow `web → db` crosses `dmz → private`".
    pub facts: Vec<String>,
}

impl Finding {
    pub fn new(system: SystemIdx, elements: Vec<Element>) -> Self {
        Finding {
            system,
            elements,
            facts: Vec::new(),
        }
    }

    pub fn fact(mut self, fact: impl Into<String>) -> Self {
        self.facts.push(fact.into());
        self
    }
}

/// A threat rule: a pure function of the validated estate.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &RuleMeta;
    /// Pushes one finding per threat. Must not depend on anything but `estate`.
    fn check(&self, estate: &Estate, out: &mut Vec<Finding>);
}

/// Declares a built-in rule: metadata, documentation from the doc comment, and its check.
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub UnencryptedCommunication {
///         code: "I001",
///         name: "unencrypted-communication",
///         stride: InformationDisclosure,
///         summary: "data crosses the network without encryption",
///         cwe: [319],
///         capec: [157],
///         frequency: (0.02, 0.5),
///     }
///     fn check(estate, out) {
///         ...
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        pub $ty:ident {
            code: $code:literal,
            name: $name:literal,
            stride: $stride:ident,
            summary: $summary:literal,
            cwe: [$($cwe:literal),* $(,)?],
            capec: [$($capec:literal),* $(,)?],
            frequency: ($low:expr, $high:expr) $(,)?
        }
        fn check($estate:ident, $out:ident) $body:block
    ) => {
        pub struct $ty;

        impl $ty {
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                code: $code,
                name: $name,
                stride: riskfirst_model::format::Stride::$stride,
                summary: $summary,
                cwe: &[$($cwe),*],
                capec: &[$($capec),*],
                frequency: ($low, $high),
                raw_doc: concat!($($doc, "\n"),*),
            };
        }

        impl $crate::rule::Rule for $ty {
            fn meta(&self) -> &$crate::rule::RuleMeta {
                &Self::META
            }

            fn check(&self, $estate: &riskfirst_model::Estate, $out: &mut Vec<$crate::rule::Finding>) $body
        }
    };
}
