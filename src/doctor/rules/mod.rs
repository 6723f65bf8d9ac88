//! The doctor rules, one per file. Each reads the [`App`] (auth configs, middleware, pages,
//! hosting rules, env files) and emits findings.

mod adapter_strategy_mismatch;
mod auth_route_cacheable;
mod auth_url;
mod cookie_config_mismatch;
mod jwt_callback_drops_claims;
mod middleware_refreshes_cacheable_pages;
mod weak_secret;

use super::{App, Finding};
use crate::audit::RuleInfo;

/// One doctor rule.
pub trait Rule {
    fn info(&self) -> &'static RuleInfo;
    fn check(&self, app: &App<'_, '_, '_>, out: &mut Vec<Finding>);
}

/// Every rule, in the order findings of equal severity and place are listed.
pub fn all() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(middleware_refreshes_cacheable_pages::MiddlewareRefreshesCacheablePages),
        Box::new(jwt_callback_drops_claims::JwtCallbackDropsClaims),
        Box::new(adapter_strategy_mismatch::AdapterStrategyMismatch),
        Box::new(auth_route_cacheable::AuthRouteCacheable),
        Box::new(weak_secret::WeakSecret),
        Box::new(auth_url::AuthUrl),
        Box::new(cookie_config_mismatch::CookieConfigMismatch),
    ]
}

/// The metadata of every rule (SARIF `tool.driver.rules`).
pub fn infos() -> Vec<&'static RuleInfo> {
    all().iter().map(|r| r.info()).collect()
}

/// Env files whose values reach production: `.env` and `.env.production*`.
pub fn production_env(file: &str) -> bool {
    file == ".env" || file.starts_with(".env.prod")
}
