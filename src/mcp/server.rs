//! The rmcp glue: tool routing (schemas from the argument types), resources, the prompt, and the
//! translation of an [`Outcome`] or an error into a tool result.

use super::docs;
use super::redact::fingerprint_tokens;
use super::tools::{
    AuditArgs, CheckArgs, Context, DecodeArgs, DiffArgs, DoctorArgs, EncodeArgs, Outcome,
};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, GetPromptRequestParams, GetPromptResponse, GetPromptResult,
    Implementation, ListPromptsResult, ListResourcesResult, PaginatedRequestParams, Prompt,
    PromptArgument, PromptMessage, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, Resource, ResourceContents, Role, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_handler, tool_router, ErrorData as McpError, RoleServer, ServerHandler};
use std::sync::Arc;

const INSTRUCTIONS: &str = "authpeek reads web login sessions (Auth.js / next-auth, Auth0, iron-session, Supabase, better-auth, any JWT): \
decode a cookie, check it against what the app expects, diff two of them, audit HTTP traffic for session cookies a CDN cached. \
Secrets (AUTH_SECRET, ...) stay in this server: never ask the user for a secret's value; name a dotenv file under the root (`env_file`) or a variable (`secret_origins`) instead. \
Files are read only under the server's root. Each tool returns the authpeek CLI's --json document; the `debug-session` prompt walks the checklist, and the authpeek://docs/* resources explain findings.";

/// The MCP server: the shared context and the tool routes.
#[derive(Clone)]
pub struct Server {
    ctx: Arc<Context>,
    tool_router: ToolRouter<Server>,
}

#[tool_router]
impl Server {
    pub fn new(ctx: Context) -> Self {
        Server {
            ctx: Arc::new(ctx),
            tool_router: Self::tool_router(),
        }
    }

    /// Run a tool on the blocking pool (decryption, a HAR, a live probe) and shape its result.
    async fn run<F>(&self, f: F) -> Result<CallToolResult, McpError>
    where
        F: FnOnce(&Context) -> crate::Result<Outcome> + Send + 'static,
    {
        let ctx = Arc::clone(&self.ctx);
        let show_tokens = ctx.show_tokens;
        let outcome = tokio::task::spawn_blocking(move || f(&ctx))
            .await
            .map_err(|e| {
                McpError::internal_error(format!("authpeek: the tool stopped: {e}"), None)
            })?;
        Ok(tool_result(outcome, show_tokens))
    }

    #[tool(
        description = "Decode a session cookie or token and say what is wrong with it. Use when a user pastes a cookie, a JWT, a Cookie: / Set-Cookie: header, curl -v output, a copied curl/fetch request, a cookie jar or a HAR, or says they got logged out, their session is null, a cookie will not decrypt (wrong secret, salt mismatch behind a proxy, missing chunk) or a token expired. Give `text` (the paste) or `path` (a file under the root). Returns `authpeek decode --json`: each token's format, status, claims, times, errors with hints."
    )]
    async fn decode(
        &self,
        Parameters(args): Parameters<DecodeArgs>,
    ) -> Result<CallToolResult, McpError> {
        self.run(move |c| c.decode(&args)).await
    }

    #[tool(
        description = "Check a session token against what the app's callbacks expect: PASS / WARN / FAIL per check. Use when users are logged out for no visible reason (phantom logout), a session callback reads a claim that is missing or has the wrong type, sessions end earlier or later than session.maxAge, or a Set-Cookie is rejected (Secure, SameSite, __Host-, size). Give the token as `text` or `path`, and the app's expectations as `require` (\"user.id:string\"), `like` (a first-sign-in sample file) or `schema`; the root's authpeek.toml is read too. Returns `authpeek check --json`."
    )]
    async fn check(
        &self,
        Parameters(args): Parameters<CheckArgs>,
    ) -> Result<CallToolResult, McpError> {
        self.run(move |c| c.check(&args)).await
    }

    #[tool(
        description = "Compare two session tokens (before / after a refresh, a deploy, or two browsers) and give a verdict: identity_changed (a user sees someone else's account), claims_lost (claims vanish after a refresh), refresh_not_saved (the session was renewed but the new cookie never stuck: logged out after the first expiry), rolled (normal), identical. Use when a user sees someone else's account, is logged out after a refresh, or roles/claims disappear. Give each side as `before_text` / `before_path` and `after_text` / `after_path`. Returns `authpeek diff --json`."
    )]
    async fn diff(
        &self,
        Parameters(args): Parameters<DiffArgs>,
    ) -> Result<CallToolResult, McpError> {
        self.run(move |c| c.diff(&args)).await
    }

    #[tool(
        description = "Audit HTTP traffic for session leaks: responses that set a session cookie and were cached by a CDN or proxy and replayed to other users, anonymous requests handed someone's session, cacheable auth routes, missing Vary: Cookie, OAuth callbacks that fail with 400 because the state / PKCE / nonce cookie never arrived, weak cookie attributes. Use when users see someone else's account, sessions appear for signed-out users, sign-in callbacks fail, or before changing CDN cache rules. Give `path` (a HAR saved from DevTools, or a curl -v transcript, under the root) or `text` (a pasted transcript); `url` probes a live site only when the server allows network. Returns `authpeek audit --json`: findings most serious first, with evidence (token values fingerprinted) and fixes."
    )]
    async fn audit(
        &self,
        Parameters(args): Parameters<AuditArgs>,
    ) -> Result<CallToolResult, McpError> {
        self.run(move |c| c.audit(&args)).await
    }

    #[tool(
        description = "Find the cause of a session bug in the app's own code and hosting config, before any traffic: auth middleware that re-issues the session cookie on cacheable pages (the CDN leak), a jwt callback that drops claims on refresh (phantom logout), adapter / strategy mismatches, a wrong AUTH_URL / NEXTAUTH_URL / AUTH0_BASE_URL, weak secrets, cacheable auth routes, cookie-name mismatches between middleware and app. Use when a user is logged out for no visible reason, sees someone else's account, a callback fails with 400, or asks why their Next.js auth setup misbehaves. Give `dir` (the app's folder under the root; the root by default). Live, when the server allows network: give `url` (a page of the running app) with the session cookie (`cookies` or `cookie_file`) to ask the app's session endpoint and decrypt the cookie with the server's secrets: it says why the server answers signed out (another secret or salt, a session callback that drops the user, a cookie name or Domain / Path that never reaches the app) and whether a CDN caches the session. Returns `authpeek doctor --json`: findings with file:line:column locations (live ones with evidence), why and fix; env values and cookie values are never returned."
    )]
    async fn doctor(
        &self,
        Parameters(args): Parameters<DoctorArgs>,
    ) -> Result<CallToolResult, McpError> {
        self.run(move |c| c.doctor(&args)).await
    }

    #[tool(
        description = "Make a token: sign a JWT (HS256/384/512 with the server's secret), mint an Auth.js v5 / next-auth v4 / iron-session cookie from `claims`, or open a cookie (`from_text`), edit it (`set`, `unset`, `sub`, `exp`) and seal it again. Use when a user wants to reproduce a session bug locally (e.g. `unset: [\"user\"]` reproduces the phantom logout, an `exp` in the past an expired session), needs a test cookie for curl / Playwright, or wants to check that a claim change fixes a callback. The result is a credential: its value is returned only when the server runs with --show-tokens (fingerprinted otherwise); `claims` always shows what was sealed."
    )]
    async fn encode(
        &self,
        Parameters(args): Parameters<EncodeArgs>,
    ) -> Result<CallToolResult, McpError> {
        self.run(move |c| c.encode(&args)).await
    }
}

/// What the exit code the CLI would have given means.
fn exit_meaning(code: u8) -> &'static str {
    match code {
        0 => "0: nothing the tool looks for was found",
        1 => "1: the problem the tool looks for was found (see the document)",
        _ => "2: unusable input (see the errors in the document)",
    }
}

/// The document as structured content (credentials fingerprinted unless `--show-tokens`), its
/// text, and the exit code; an error is a tool error the model can read and act on.
fn tool_result(outcome: crate::Result<Outcome>, show_tokens: bool) -> CallToolResult {
    match outcome {
        Ok(o) => {
            let mut doc: serde_json::Value = match serde_json::from_str(&o.json) {
                Ok(v) => v,
                Err(e) => {
                    return CallToolResult::error(vec![ContentBlock::text(format!(
                        "authpeek: error: the report did not serialise: {e}"
                    ))])
                }
            };
            if !show_tokens {
                fingerprint_tokens(&mut doc);
            }
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            let mut r = CallToolResult::structured(doc);
            r.content = vec![
                ContentBlock::text(text),
                ContentBlock::text(format!("authpeek exit code {}", exit_meaning(o.exit_code))),
            ];
            r
        }
        Err(e) => {
            let mut text = format!("authpeek: error: {}", e.message());
            if let Some(h) = e.hint() {
                text.push_str(&format!("\nauthpeek: hint: {h}"));
            }
            CallToolResult::error(vec![ContentBlock::text(text)])
        }
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(Implementation::new("authpeek", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        Ok(ListResourcesResult::with_all_items(
            docs::DOCS
                .iter()
                .map(|d| {
                    Resource::new(d.uri, d.name)
                        .with_description(d.description)
                        .with_mime_type("text/markdown")
                })
                .collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        match docs::read(&request.uri) {
            Some(text) => Ok(ReadResourceResult::new(vec![ResourceContents::text(
                text,
                request.uri.clone(),
            )
            .with_mime_type("text/markdown")])
            .into()),
            None => Err(McpError::resource_not_found(
                format!(
                    "no resource {:?}: authpeek has {}",
                    request.uri,
                    docs::DOCS
                        .iter()
                        .map(|d| d.uri)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None,
            )),
        }
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(vec![Prompt::new(
            docs::DEBUG_PROMPT,
            Some(docs::DEBUG_PROMPT_DESCRIPTION),
            Some(vec![PromptArgument::new("symptom")
                .with_description("What the user sees: \"logged out after a refresh\", \"sees someone else's account\", \"the callback fails with 400\".")
                .with_required(false)]),
        )]))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        if request.name != docs::DEBUG_PROMPT {
            return Err(McpError::invalid_params(
                format!(
                    "no prompt {:?}: authpeek has {}",
                    request.name,
                    docs::DEBUG_PROMPT
                ),
                None,
            ));
        }
        let symptom = request
            .arguments
            .as_ref()
            .and_then(|a| a.get("symptom"))
            .and_then(|v| v.as_str());
        Ok(GetPromptResult::new(vec![PromptMessage::new_text(
            Role::User,
            docs::debug_prompt(symptom),
        )])
        .with_description(docs::DEBUG_PROMPT_DESCRIPTION)
        .into())
    }
}
