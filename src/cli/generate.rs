//! `authpeek generate KIND`: shell completions and man pages, generated from the same clap
//! definition as `--help` (for packagers and dotfiles).

use clap::{Args, CommandFactory, ValueEnum};
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  authpeek generate complete-bash \\
      > ~/.local/share/bash-completion/completions/authpeek
  authpeek generate complete-zsh > ~/.zfunc/_authpeek
  authpeek generate complete-fish > ~/.config/fish/completions/authpeek.fish
  authpeek generate man | man -l -
  # authpeek.1 and one page per command
  authpeek generate man --out-dir /usr/local/share/man/man1";

// Print a shell completion script or the man page. (Not a doc comment: see `KeyArgs`.)
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate: a completion script for a shell, or the man page (roff).
    #[arg(value_enum, value_name = "KIND")]
    pub kind: Kind,
    /// With `man`: write authpeek.1 and one page per command (authpeek-decode.1, ...) into this
    /// directory instead of printing authpeek.1.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    CompleteBash,
    CompleteZsh,
    CompleteFish,
    CompletePowershell,
    CompleteElvish,
    Man,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<u8> {
    use anyhow::Context;
    use clap_complete::Shell;
    let mut cmd = super::Cli::command();
    let shell = match args.kind {
        Kind::CompleteBash => Shell::Bash,
        Kind::CompleteZsh => Shell::Zsh,
        Kind::CompleteFish => Shell::Fish,
        Kind::CompletePowershell => Shell::PowerShell,
        Kind::CompleteElvish => Shell::Elvish,
        Kind::Man => {
            match &args.out_dir {
                Some(dir) => clap_mangen::generate_to(cmd, dir).with_context(|| {
                    format!("--out-dir {}: cannot write the man pages", dir.display())
                })?,
                None => clap_mangen::Man::new(cmd).render(&mut std::io::stdout().lock())?,
            }
            return Ok(0);
        }
    };
    if args.out_dir.is_some() {
        anyhow::bail!(authpeek::Error::usage(
            "--out-dir goes with `man`; completion scripts are printed on stdout"
        ));
    }
    clap_complete::generate(shell, &mut cmd, "authpeek", &mut std::io::stdout().lock());
    Ok(0)
}
