//! `authpeek diff` (being built; see the issue).
