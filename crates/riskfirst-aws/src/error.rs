//! Why an input file could not be read. Each names the file and, where the syntax
//! has them, the line and column; none carries the file's content (it may hold secrets).

/// An input file that is refused. The scan goes on with the other files and reports this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("{file}:{line}:{col}: {message}")]
    Syntax {
        file: String,
        line: u32,
        col: u32,
        message: String,
    },
    #[error("{file}: nested more than {limit} levels deep; it is not read")]
    TooDeep { file: String, limit: usize },
    #[error("{file}: {what}")]
    Shape { file: String, what: String },
    #[error("{file}: more than {limit} {what}; it is not read")]
    TooMany {
        file: String,
        limit: usize,
        what: &'static str,
    },
}

impl InputError {
    pub fn hint(&self) -> &'static str {
        match self {
            InputError::Syntax { .. } => "check the file with its own tool (`terraform validate`, `cfn-lint`, `jq .`)",
            InputError::TooDeep { .. } | InputError::TooMany { .. } => {
                "an export this large or deep is not one AWS writes; check that the right file is in the evidence folder"
            }
            InputError::Shape { .. } => "docs/aws.md lists the files the scan reads and the shape each must have",
        }
    }

    pub fn file(&self) -> &str {
        match self {
            InputError::Syntax { file, .. }
            | InputError::TooDeep { file, .. }
            | InputError::Shape { file, .. }
            | InputError::TooMany { file, .. } => file,
        }
    }
}
