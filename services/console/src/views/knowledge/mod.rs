//! The knowledge editor's screens (知识库维护): the review queue of change requests with the
//! difference each would make, FAQ entries and their revisions, unanswered queries, synonyms,
//! the import of reference files, and the department directory.

mod catalogue;
mod departments;
mod diff;
mod faqs;
mod hours;
mod queue;

pub use catalogue::*;
pub use departments::*;
pub use diff::*;
pub use faqs::*;
pub use hours::*;
pub use queue::*;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
