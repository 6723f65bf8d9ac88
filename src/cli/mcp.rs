//! `authpeek mcp`: the MCP server for coding assistants (see `authpeek::mcp`).

use super::{GlobalArgs, KeyArgs};
use authpeek::mcp::{root::Root, tools::Context};
use clap::Args;
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  # started by a coding assistant, which speaks JSON-RPC on stdin / stdout
  claude mcp add authpeek -- authpeek mcp --root .
  # the same in an assistant's JSON config (.cursor/mcp.json, .vscode/mcp.json)
  {\"command\": \"authpeek\",
   \"args\": [\"mcp\", \"--root\", \".\", \"--env-file\", \".env.local\"]}

Tools: decode, check, diff, audit, doctor (each returning the command's
--json document) and encode. Resources: authpeek://docs/audit-rules, formats,
json, exit-codes, check, diff, security. Prompt: debug-session (decode the
cookie, diff before/after, audit the HAR, doctor the app).

Secrets come from --env-file, --secret-file and the environment, as for every
command; tool arguments may name an origin (a variable, a dotenv file under
the root) but never carry a value. Files are read only under --root (`..` and
symlinks leading out are refused); `audit` with a URL needs --allow-network;
token values in results are fingerprinted unless --show-tokens.";

#[derive(Debug, Args)]
pub struct McpArgs {
    /// The directory whose files the tools may read (paths resolve under it).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Let `audit` probe live URLs (the tools reach no network otherwise).
    #[arg(long)]
    pub allow_network: bool,
    /// Return token values instead of short fingerprints. They are credentials and go to the model.
    #[arg(long)]
    pub show_tokens: bool,
    #[command(flatten)]
    pub keys: KeyArgs,
}

pub fn run(g: &GlobalArgs, args: McpArgs) -> anyhow::Result<u8> {
    let root = Root::new(&args.root)?;
    let now = g
        .now
        .as_deref()
        .map(authpeek::clock::Clock::parse)
        .transpose()?;
    let opts = args.keys.options(g.clock()?)?;
    let ctx = Context {
        root,
        secrets: opts.secrets,
        keys: opts.keys,
        now,
        limits: opts.limits,
        salt: opts.salt,
        cookie_name: opts.cookie_name,
        show_tokens: args.show_tokens,
        allow_network: args.allow_network,
    };
    authpeek::mcp::serve(ctx)?;
    Ok(0)
}
