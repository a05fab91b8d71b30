//! Errors, one enum per operation; each message says how to fix the problem.

use std::fmt;
use std::time::Duration;

/// Renders a byte key for a message: UTF-8 text as is, other bytes escaped.
pub(crate) fn render(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// Why a partition lease was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeaseError {
    /// The empty prefix would cover every key.
    EmptyPartition,
    /// The requested prefix overlaps one that is held.
    Conflict {
        /// What was asked for.
        requested: Vec<u8>,
        /// The overlapping prefix that is held.
        held: Vec<u8>,
        /// Who holds it.
        holder: String,
    },
    /// [`KnowledgeBase::writer_wait`](crate::KnowledgeBase::writer_wait) waited its whole timeout.
    Timeout {
        /// What was asked for.
        requested: Vec<u8>,
        /// The overlapping prefix that was still held.
        held: Vec<u8>,
        /// Who held it.
        holder: String,
        /// How long it waited.
        waited: Duration,
    },
}

impl fmt::Display for LeaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const FIX: &str = "partitions must be prefix-free: end each name with `/` (`w1/`, `w10/`), and give each writer its own";
        match self {
            LeaseError::EmptyPartition => {
                write!(f, "the empty partition name covers every key and overlaps every other partition; name a prefix such as `facts/`")
            }
            LeaseError::Conflict { requested, held, holder } => write!(
                f,
                "partition `{}` overlaps `{}`, leased by {holder}; {FIX}, or wait for it with `writer_wait`",
                render(requested),
                render(held)
            ),
            LeaseError::Timeout { requested, held, holder, waited } => write!(
                f,
                "gave up after {waited:?} waiting for partition `{}`: it overlaps `{}`, still leased by {holder}; {FIX}, or wait longer",
                render(requested),
                render(held)
            ),
        }
    }
}

impl std::error::Error for LeaseError {}

/// Why a staged write was refused. The writer's staged batch is unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteError {
    /// The key (or prefix) does not start with the writer's partition.
    OutsidePartition {
        /// The offending key or prefix.
        key: Vec<u8>,
        /// The writer's partition.
        partition: Vec<u8>,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::OutsidePartition { key, partition } => write!(
                f,
                "key `{}` is outside this writer's partition `{}`; a writer may only write keys that start with its partition — lease a writer for the key's own partition",
                render(key),
                render(partition)
            ),
        }
    }
}

impl std::error::Error for WriteError {}

/// Why a commit published nothing. The staged batch is kept, so nothing is lost silently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommitError {
    /// The lease was revoked (see [`KnowledgeBase::revoke`](crate::KnowledgeBase::revoke)) after
    /// this writer took it; another writer may own the partition now.
    LeaseLost {
        /// The writer's partition.
        partition: Vec<u8>,
        /// The revoked grant.
        lease: u64,
    },
}

impl fmt::Display for CommitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommitError::LeaseLost { partition, lease } => write!(
                f,
                "lease #{lease} on partition `{}` was revoked, so this batch was not published; lease the partition again and redo the batch on top of what is published now",
                render(partition)
            ),
        }
    }
}

impl std::error::Error for CommitError {}

/// Any error of this crate, for the conveniences that lease, write and commit in one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// Leasing failed.
    Lease(LeaseError),
    /// A write was refused.
    Write(WriteError),
    /// The commit failed.
    Commit(CommitError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Lease(e) => e.fmt(f),
            Error::Write(e) => e.fmt(f),
            Error::Commit(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Lease(e) => Some(e),
            Error::Write(e) => Some(e),
            Error::Commit(e) => Some(e),
        }
    }
}

impl From<LeaseError> for Error {
    fn from(e: LeaseError) -> Self {
        Error::Lease(e)
    }
}
impl From<WriteError> for Error {
    fn from(e: WriteError) -> Self {
        Error::Write(e)
    }
}
impl From<CommitError> for Error {
    fn from(e: CommitError) -> Self {
        Error::Commit(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_render_as_text_with_escaped_bytes() {
        assert_eq!(render(b"facts/sky"), "facts/sky");
        assert_eq!(render(&[b'p', b'/', 0, 0xff]), "p/\\x00\\xff");
    }
}
