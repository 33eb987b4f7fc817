//! Pub/Sub: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their UNSUBSCRIBE forms,
//! PUBLISH, SPUBLISH, PUBSUB (issue 4; to be written). The dispatcher calls
//! the hooks below at fixed points.

use super::table::CommandDef;
use super::{Args, Ctx};

/// This family's top-level commands.
pub static COMMANDS: &[CommandDef] = &[];

/// A client's subscriptions.
#[derive(Debug, Default)]
pub struct ClientSubs {}

/// Server-wide channel and pattern registry.
#[derive(Debug, Default)]
pub struct Registry {}

/// RESP2 subscribed mode allows only some commands: replies Redis's error
/// and returns false for the others.
pub fn allowed(_ctx: &mut Ctx, _def: &'static CommandDef, _args: &Args) -> bool {
    true
}

/// Client `token` is closing.
pub fn on_close(_st: &mut crate::server::State, _token: usize, _client: &mut crate::client::Client) {}
