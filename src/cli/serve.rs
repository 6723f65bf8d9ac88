//! `authpeek serve`: the local page (see `authpeek::serve`).

use super::{GlobalArgs, KeyArgs};
use authpeek::serve::{api::Settings, Server};
use clap::Args;
use std::io::Write;

pub const EXAMPLES: &str = "\
Examples:
  # a page on a free port; its URL (with the run's token) is the first line
  authpeek serve
  # open it in the browser, with the app's secrets at hand
  authpeek serve --open --env-file .env.local
  # a fixed port
  authpeek serve --port 7878
  # for scripts: the first line is JSON (schema_version, url, port)
  authpeek serve --json

Tabs: Decode, Diff, Check, Audit (drop a HAR: findings and the timeline
picture). Answers are the CLI's --json documents. Listens on 127.0.0.1 only;
refuses other Hosts and Origins; API calls need the token in the URL's
#fragment (never sent in a URL). Secrets typed into the page are used for one
call and kept nowhere. Ctrl-C stops it.";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Listen on this port of 127.0.0.1 (default: a free one).
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Show token values in audit evidence instead of short fingerprints. They are credentials.
    #[arg(long)]
    pub show_tokens: bool,
    #[command(flatten)]
    pub keys: KeyArgs,
}

pub fn run(g: &GlobalArgs, args: ServeArgs) -> anyhow::Result<u8> {
    let now = g
        .now
        .as_deref()
        .map(authpeek::clock::Clock::parse)
        .transpose()?;
    let opts = args.keys.options(g.clock()?)?;
    let settings = Settings {
        secrets: opts.secrets,
        keys: opts.keys,
        now,
        salt: opts.salt,
        cookie_name: opts.cookie_name,
        limits: opts.limits,
        show_tokens: args.show_tokens,
    };
    let server = Server::bind(args.port.unwrap_or(0), settings)?;
    let url = server.url();
    {
        let mut out = std::io::stdout().lock();
        if g.json {
            // One line a script can parse before the server blocks: where it listens.
            let doc = serde_json::json!({
                "schema_version": 1,
                "url": url,
                "port": server.port(),
            });
            writeln!(out, "{doc}")?;
        } else {
            writeln!(out, "{url}")?;
        }
        out.flush()?;
    }
    eprintln!("authpeek: serving the page on 127.0.0.1:{} (Ctrl-C stops it); open the URL above, token included", server.port());
    if args.open {
        if let Err(e) = open_browser(&url) {
            eprintln!(
                "authpeek: note: could not open a browser ({e}); open the URL above yourself"
            );
        }
    }
    server.run()?;
    Ok(0)
}

/// The platform's "open this URL" command.
fn open_browser(url: &str) -> std::io::Result<()> {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}
