//! `authpeek batch` (being built; see the issue).
