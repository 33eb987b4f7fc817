//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (issue 4; to be
//! written). The dispatcher calls the hooks below at fixed points.

use super::table::CommandDef;
use super::{Args, Ctx};

/// This family's top-level commands.
pub static COMMANDS: &[CommandDef] = &[];

/// A client's transaction state (queued commands, watched keys).
#[derive(Debug, Default)]
pub struct ClientTx {}

/// Server-wide index of watched keys.
#[derive(Debug, Default)]
pub struct Watched {}

/// A command could not be queued (unknown, wrong arity, NOAUTH): inside
/// MULTI, EXEC must then fail with EXECABORT.
pub fn flag_error(_ctx: &mut Ctx) {}

/// Inside MULTI, queues the command and replies QUEUED; returns true if
/// the command was queued rather than to be run now.
pub fn queue(_ctx: &mut Ctx, _def: &'static CommandDef, _args: &Args) -> bool {
    false
}

/// After a command ran: `dirty_before` is the change counter before it.
pub fn after_command(_ctx: &mut Ctx, _def: &'static CommandDef, _args: &Args, _dirty_before: u64) {}

/// Client `token` is closing.
pub fn on_close(_st: &mut crate::server::State, _token: usize, _client: &mut crate::client::Client) {}
