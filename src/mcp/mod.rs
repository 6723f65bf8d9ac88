//! `authpeek mcp`: a Model Context Protocol server on stdio, so coding assistants can call
//! authpeek's commands as tools (feature `mcp`).
//!
//! It lives in the library, not the binary, because it is one more caller of the commands: each
//! tool ([`tools`]) is a thin call into the same functions the CLI runs and returns the same
//! JSON document; the binary only turns `authpeek mcp`'s flags into a [`tools::Context`] and
//! calls [`serve`]. The rmcp and tokio glue stays in [`server`]; nothing else in the library
//! is async, and a build without the feature has neither.
//!
//! Safety: file arguments resolve under the root ([`root`]); secrets come only from the
//! server's own sources and are named by origin in arguments; credentials in reports are
//! fingerprinted ([`redact`]) unless the user started the server with `--show-tokens`; live
//! probes need `--allow-network`.
//!
//! Adding a command as a tool (`doctor`, `encode`) is one argument struct and one method on
//! [`tools::Context`] that calls the command's library function and renders its `--json`
//! document, plus one `#[tool]` method on [`server::Server`] whose description says when an
//! assistant should use it; paths go through [`root::Root::file`], secrets through the
//! context's options.

pub mod docs;
pub mod redact;
pub mod root;
pub mod server;
pub mod tools;

use crate::error::{Error, Result};

/// The longest JSON-RPC message read: a paste of the CLI's input limit, even with every byte
/// escaped twice as long, fits (rmcp's default, 16 MiB, would drop such a request unanswered).
pub const MAX_MESSAGE_BYTES: usize = 2 * crate::input::MAX_INPUT_BYTES + (1 << 20);

/// Serve MCP on stdin / stdout until the client closes the connection.
pub fn serve(ctx: tools::Context) -> Result<()> {
    use rmcp::transport::async_rw::AsyncRwTransport;
    use rmcp::ServiceExt;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::input(format!("mcp: cannot start the runtime: {e}")))?;
    rt.block_on(async {
        let service = server::Server::new(ctx)
            .serve(
                AsyncRwTransport::new(tokio::io::stdin(), tokio::io::stdout())
                    .with_max_line_length(MAX_MESSAGE_BYTES),
            )
            .await
            .map_err(|e| Error::input(format!("mcp: the client did not initialise: {e}")))?;
        service
            .waiting()
            .await
            .map_err(|e| Error::input(format!("mcp: {e}")))?;
        Ok(())
    })
}
