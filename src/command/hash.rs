//! Hash commands. Their table rows live here, beside the handlers, and
//! are merged into the command table by `table::all_commands`.

use super::table::CommandDef;

/// This family's top-level commands.
pub static COMMANDS: &[CommandDef] = &[];
