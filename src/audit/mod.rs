//! `authpeek audit` (being built; see the issue).
