//! Presentation only: renderers read reports; they never decode.

pub mod audit;
pub mod batch;
pub mod check;
pub mod compact;
pub mod diff;
#[cfg(feature = "doctor")]
pub mod doctor;
pub mod human;
pub mod json;
pub mod sarif;
pub mod timeline;
pub mod timeline_html;
pub mod timeline_svg;

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Decide colour once: `always`/`never` win; `auto` = stdout is a terminal, `NO_COLOR` unset or
/// empty, and `TERM` is not `dumb`.
pub fn use_color(
    choice: ColorChoice,
    stdout_is_tty: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stdout_is_tty
                && env("NO_COLOR").is_none_or(|v| v.is_empty())
                && env("TERM").as_deref() != Some("dumb")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_rules() {
        let none = |_: &str| None;
        let no_color = |k: &str| (k == "NO_COLOR").then(|| "1".to_string());
        let dumb = |k: &str| (k == "TERM").then(|| "dumb".to_string());
        assert!(use_color(ColorChoice::Auto, true, &none));
        assert!(!use_color(ColorChoice::Auto, false, &none));
        assert!(!use_color(ColorChoice::Auto, true, &no_color));
        assert!(!use_color(ColorChoice::Auto, true, &dumb));
        assert!(use_color(ColorChoice::Always, false, &no_color));
        assert!(!use_color(ColorChoice::Never, true, &none));
    }
}
