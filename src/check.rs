//! `authpeek check` (being built; see the issue).
