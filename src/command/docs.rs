//! What COMMAND DOCS and COMMAND INFO report about each command, as Redis
//! 7.0.15 reports it: summary, history and the full argument tree (which
//! redis-cli turns into its argument hints), and arity, flags, ACL
//! categories, tips and key specs.
//!
//! The first half of this file is written by hand: the types and the reply
//! writers, which follow server.c's `addReplyCommandDocs` and
//! `addReplyCommandInfo` field for field, in RESP2 and RESP3. The second
//! half, one `Doc` per command and subcommand of the command table, is
//! generated from Redis's `src/commands/*.json` by
//! `scripts/gen_command_docs.py`, which also derives the flags, ACL
//! categories and legacy key range as Redis does at start-up. After adding
//! a command to `table.rs`, regenerate with
//! `python3 scripts/gen_command_docs.py /path/to/redis-7.0.15`
//! (it rewrites only the text below the marker line) and run
//! `cargo test --test command_docs`, which compares every reply with a real
//! redis-server.
//!
//! Containers list only the subcommands loopkv implements, sorted by name
//! (Redis lists its own in hash-table order).

use crate::resp::reply::Reply;

// ---- types -------------------------------------------------------------------------

/// One command or subcommand.
#[derive(Debug)]
pub struct Doc {
    /// `name` or `container|name`, lower case.
    pub name: &'static str,
    pub summary: &'static str,
    pub since: &'static str,
    pub group: &'static str,
    pub complexity: Option<&'static str>,
    /// `deprecated`, `syscmd`.
    pub doc_flags: &'static [&'static str],
    pub deprecated_since: Option<&'static str>,
    pub replaced_by: Option<&'static str>,
    /// (version, change), oldest first.
    pub history: &'static [(&'static str, &'static str)],
    pub arity: i32,
    /// COMMAND INFO flags in Redis's order: hidden ones (sentinel,
    /// may_replicate, protected, ...) left out, `movablekeys` derived from
    /// the key specs.
    pub flags: &'static [&'static str],
    /// ACL categories with their `@`, declared and implied, in Redis's order.
    pub acl_categories: &'static [&'static str],
    /// COMMAND INFO's first key, last key (negative: from the end) and step,
    /// derived from the key specs; zeros when they do not form one range.
    pub legacy_keys: (i32, i32, i32),
    pub tips: &'static [&'static str],
    pub key_specs: &'static [KeySpec],
    pub arguments: &'static [Arg],
    /// The subcommands loopkv implements, sorted by name.
    pub subcommands: &'static [&'static Doc],
}

impl Doc {
    /// Every field empty; generated entries fill in what they have.
    const EMPTY: Doc = Doc {
        name: "",
        summary: "",
        since: "",
        group: "",
        complexity: None,
        doc_flags: &[],
        deprecated_since: None,
        replaced_by: None,
        history: &[],
        arity: 0,
        flags: &[],
        acl_categories: &[],
        legacy_keys: (0, 0, 0),
        tips: &[],
        key_specs: &[],
        arguments: &[],
        subcommands: &[],
    };
}

/// One argument; `oneof` and `block` arguments nest others.
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    /// Lower case.
    pub name: &'static str,
    pub kind: ArgType,
    /// The key spec describing this key argument.
    pub key_spec_index: Option<u32>,
    /// The literal word before the value (upper case), e.g. `EX`.
    pub token: Option<&'static str>,
    pub summary: Option<&'static str>,
    pub since: Option<&'static str>,
    pub deprecated_since: Option<&'static str>,
    pub optional: bool,
    pub multiple: bool,
    /// Each repetition repeats the token too.
    pub multiple_token: bool,
    pub args: &'static [Arg],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    String,
    Integer,
    Double,
    Key,
    Pattern,
    UnixTime,
    PureToken,
    OneOf,
    Block,
}

impl ArgType {
    /// The name in replies (server.c `ARG_TYPE_STR`).
    pub fn name(self) -> &'static str {
        match self {
            ArgType::String => "string",
            ArgType::Integer => "integer",
            ArgType::Double => "double",
            ArgType::Key => "key",
            ArgType::Pattern => "pattern",
            ArgType::UnixTime => "unix-time",
            ArgType::PureToken => "pure-token",
            ArgType::OneOf => "oneof",
            ArgType::Block => "block",
        }
    }
}

/// Where a command's keys are: where the search begins, then how the keys
/// are found from there.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    pub notes: Option<&'static str>,
    /// Access flags in Redis's order: `RO`/`RW`/`OW`/`RM`, then `access`,
    /// `update`, `insert`, `delete`, `not_key`, `incomplete`, `variable_flags`.
    pub flags: &'static [&'static str],
    pub begin_search: BeginSearch,
    pub find_keys: FindKeys,
}

#[derive(Debug, Clone, Copy)]
pub enum BeginSearch {
    Unknown,
    /// At argument `pos` (the command name is 0).
    Index(i32),
    /// After the first `keyword` found from `startfrom` (negative: from the
    /// end, searching backwards).
    Keyword {
        keyword: &'static str,
        startfrom: i32,
    },
}

#[derive(Debug, Clone, Copy)]
pub enum FindKeys {
    Unknown,
    /// Keys up to `lastkey` (relative to the begin; negative: from the end)
    /// every `keystep` arguments; `limit` > 1 limits it to 1/limit of the rest.
    Range {
        lastkey: i32,
        keystep: i32,
        limit: i32,
    },
    /// The argument at `keynumidx` (relative to the begin) counts the keys,
    /// which start at `firstkey` (relative too).
    Keynum {
        keynumidx: i32,
        firstkey: i32,
        keystep: i32,
    },
}

// ---- lookup ------------------------------------------------------------------------

/// Every top-level command, sorted by name.
pub fn all() -> &'static [&'static Doc] {
    COMMANDS
}

/// The docs of `name` or `container|name` (any case).
pub fn lookup(full_name: &str) -> Option<&'static Doc> {
    let (name, sub) = match full_name.split_once('|') {
        Some((name, sub)) => (name, Some(sub)),
        None => (full_name, None),
    };
    let find = |docs: &'static [&'static Doc], name: &str| {
        let lower = name.bytes().map(|b| b.to_ascii_lowercase());
        docs.binary_search_by(|d| d.name.bytes().cmp(lower.clone()))
            .ok()
            .map(|i| docs[i])
    };
    let doc = find(COMMANDS, name)?;
    match sub {
        None => Some(doc),
        Some(_) => find(doc.subcommands, full_name),
    }
}

// ---- replies by name ----------------------------------------------------------------
//
// Each writes one part of a reply for the command `full_name` and returns
// false, writing nothing, when there are no docs for it.

/// The value of `full_name` in COMMAND DOCS' map (including the
/// `subcommands` map of a container).
pub fn reply_docs(reply: &mut Reply, full_name: &str) -> bool {
    lookup(full_name).map(|d| d.write_docs(reply)).is_some()
}

/// The whole ten-element COMMAND INFO entry, subcommands included.
pub fn reply_info(reply: &mut Reply, full_name: &str) -> bool {
    lookup(full_name).map(|d| d.write_info(reply)).is_some()
}

/// COMMAND INFO's flags (element 3).
pub fn reply_flags(reply: &mut Reply, full_name: &str) -> bool {
    lookup(full_name).map(|d| status_set(reply, d.flags)).is_some()
}

/// COMMAND INFO's ACL categories (element 7).
pub fn reply_acl_categories(reply: &mut Reply, full_name: &str) -> bool {
    lookup(full_name).map(|d| status_set(reply, d.acl_categories)).is_some()
}

/// COMMAND INFO's tips (element 8).
pub fn reply_tips(reply: &mut Reply, full_name: &str) -> bool {
    lookup(full_name).map(|d| d.write_tips(reply)).is_some()
}

/// COMMAND INFO's key specs (element 9).
pub fn reply_key_specs(reply: &mut Reply, full_name: &str) -> bool {
    lookup(full_name).map(|d| d.write_key_specs(reply)).is_some()
}

// ---- reply writers --------------------------------------------------------------------

impl Doc {
    /// server.c `addReplyCommandDocs`.
    pub fn write_docs(&self, reply: &mut Reply) {
        let present = [
            self.complexity.is_some(),
            !self.doc_flags.is_empty(),
            self.deprecated_since.is_some(),
            self.replaced_by.is_some(),
            !self.history.is_empty(),
            !self.arguments.is_empty(),
            !self.subcommands.is_empty(),
        ];
        // summary, since and group are always there.
        reply.map(3 + present.iter().filter(|&&p| p).count());
        reply.bulk(b"summary");
        reply.bulk(self.summary.as_bytes());
        reply.bulk(b"since");
        reply.bulk(self.since.as_bytes());
        reply.bulk(b"group");
        reply.bulk(self.group.as_bytes());
        if let Some(complexity) = self.complexity {
            reply.bulk(b"complexity");
            reply.bulk(complexity.as_bytes());
        }
        if !self.doc_flags.is_empty() {
            reply.bulk(b"doc_flags");
            status_set(reply, self.doc_flags);
        }
        if let Some(since) = self.deprecated_since {
            reply.bulk(b"deprecated_since");
            reply.bulk(since.as_bytes());
        }
        if let Some(replaced_by) = self.replaced_by {
            reply.bulk(b"replaced_by");
            reply.bulk(replaced_by.as_bytes());
        }
        if !self.history.is_empty() {
            reply.bulk(b"history");
            reply.set(self.history.len());
            for (since, change) in self.history {
                reply.array(2);
                reply.bulk(since.as_bytes());
                reply.bulk(change.as_bytes());
            }
        }
        if !self.arguments.is_empty() {
            reply.bulk(b"arguments");
            write_args(reply, self.arguments);
        }
        if !self.subcommands.is_empty() {
            reply.bulk(b"subcommands");
            reply.map(self.subcommands.len());
            for sub in self.subcommands {
                reply.bulk(sub.name.as_bytes());
                sub.write_docs(reply);
            }
        }
    }

    /// server.c `addReplyCommandInfo`.
    pub fn write_info(&self, reply: &mut Reply) {
        let (first, last, step) = self.legacy_keys;
        reply.array(10);
        reply.bulk(self.name.as_bytes());
        reply.int(self.arity as i64);
        status_set(reply, self.flags);
        reply.int(first as i64);
        reply.int(last as i64);
        reply.int(step as i64);
        status_set(reply, self.acl_categories);
        self.write_tips(reply);
        self.write_key_specs(reply);
        if self.subcommands.is_empty() {
            reply.set(0);
        } else {
            reply.array(self.subcommands.len());
            for sub in self.subcommands {
                sub.write_info(reply);
            }
        }
    }

    /// server.c `addReplyCommandTips`.
    pub fn write_tips(&self, reply: &mut Reply) {
        reply.set(self.tips.len());
        for tip in self.tips {
            reply.bulk(tip.as_bytes());
        }
    }

    /// server.c `addReplyCommandKeySpecs`.
    pub fn write_key_specs(&self, reply: &mut Reply) {
        reply.set(self.key_specs.len());
        for spec in self.key_specs {
            reply.map(3 + spec.notes.is_some() as usize);
            if let Some(notes) = spec.notes {
                reply.bulk(b"notes");
                reply.bulk(notes.as_bytes());
            }
            reply.bulk(b"flags");
            status_set(reply, spec.flags);
            reply.bulk(b"begin_search");
            match spec.begin_search {
                BeginSearch::Unknown => typed_spec(reply, "unknown", &[]),
                BeginSearch::Index(pos) => typed_spec(reply, "index", &[("index", pos)]),
                BeginSearch::Keyword { keyword, startfrom } => {
                    reply.map(2);
                    reply.bulk(b"type");
                    reply.bulk(b"keyword");
                    reply.bulk(b"spec");
                    reply.map(2);
                    reply.bulk(b"keyword");
                    reply.bulk(keyword.as_bytes());
                    reply.bulk(b"startfrom");
                    reply.int(startfrom as i64);
                }
            }
            reply.bulk(b"find_keys");
            match spec.find_keys {
                FindKeys::Unknown => typed_spec(reply, "unknown", &[]),
                FindKeys::Range {
                    lastkey,
                    keystep,
                    limit,
                } => typed_spec(
                    reply,
                    "range",
                    &[("lastkey", lastkey), ("keystep", keystep), ("limit", limit)],
                ),
                FindKeys::Keynum {
                    keynumidx,
                    firstkey,
                    keystep,
                } => typed_spec(
                    reply,
                    "keynum",
                    &[("keynumidx", keynumidx), ("firstkey", firstkey), ("keystep", keystep)],
                ),
            }
        }
    }
}

/// server.c `addReplyCommandArgList`.
fn write_args(reply: &mut Reply, args: &[Arg]) {
    reply.array(args.len());
    for arg in args {
        let nested = matches!(arg.kind, ArgType::OneOf | ArgType::Block);
        let has_flags = arg.optional || arg.multiple || arg.multiple_token;
        let present = [
            arg.key_spec_index.is_some(),
            arg.token.is_some(),
            arg.summary.is_some(),
            arg.since.is_some(),
            arg.deprecated_since.is_some(),
            has_flags,
            nested,
        ];
        // name and type are always there.
        reply.map(2 + present.iter().filter(|&&p| p).count());
        reply.bulk(b"name");
        reply.bulk(arg.name.as_bytes());
        reply.bulk(b"type");
        reply.bulk(arg.kind.name().as_bytes());
        if let Some(index) = arg.key_spec_index {
            reply.bulk(b"key_spec_index");
            reply.int(index as i64);
        }
        let strings = [
            ("token", arg.token),
            ("summary", arg.summary),
            ("since", arg.since),
            ("deprecated_since", arg.deprecated_since),
        ];
        for (field, value) in strings {
            if let Some(value) = value {
                reply.bulk(field.as_bytes());
                reply.bulk(value.as_bytes());
            }
        }
        if has_flags {
            let flags = [
                (arg.optional, "optional"),
                (arg.multiple, "multiple"),
                (arg.multiple_token, "multiple_token"),
            ];
            reply.bulk(b"flags");
            reply.set(flags.iter().filter(|(on, _)| *on).count());
            for (_, name) in flags.iter().filter(|(on, _)| *on) {
                reply.simple(name.as_bytes());
            }
        }
        if nested {
            reply.bulk(b"arguments");
            write_args(reply, arg.args);
        }
    }
}

/// A set of status replies (server.c `addReplyCommandFlags`).
fn status_set(reply: &mut Reply, names: &[&str]) {
    reply.set(names.len());
    for name in names {
        reply.simple(name.as_bytes());
    }
}

/// `{type: kind, spec: {name: value, ...}}`, a key spec's begin_search or
/// find_keys.
fn typed_spec(reply: &mut Reply, kind: &str, fields: &[(&str, i32)]) {
    reply.map(2);
    reply.bulk(b"type");
    reply.bulk(kind.as_bytes());
    reply.bulk(b"spec");
    reply.map(fields.len());
    for (name, value) in fields {
        reply.bulk(name.as_bytes());
        reply.int(*value as i64);
    }
}

// ---- builders the generated data uses -----------------------------------------------

const fn arg(name: &'static str, kind: ArgType) -> Arg {
    Arg {
        name,
        kind,
        key_spec_index: None,
        token: None,
        summary: None,
        since: None,
        deprecated_since: None,
        optional: false,
        multiple: false,
        multiple_token: false,
        args: &[],
    }
}

const fn string(name: &'static str) -> Arg {
    arg(name, ArgType::String)
}

const fn integer(name: &'static str) -> Arg {
    arg(name, ArgType::Integer)
}

const fn double(name: &'static str) -> Arg {
    arg(name, ArgType::Double)
}

const fn key(name: &'static str) -> Arg {
    arg(name, ArgType::Key)
}

const fn pattern(name: &'static str) -> Arg {
    arg(name, ArgType::Pattern)
}

const fn unix_time(name: &'static str) -> Arg {
    arg(name, ArgType::UnixTime)
}

const fn pure_token(name: &'static str) -> Arg {
    arg(name, ArgType::PureToken)
}

const fn oneof(name: &'static str) -> Arg {
    arg(name, ArgType::OneOf)
}

const fn block(name: &'static str) -> Arg {
    arg(name, ArgType::Block)
}

impl Arg {
    const fn key_spec(mut self, index: u32) -> Arg {
        self.key_spec_index = Some(index);
        self
    }

    const fn token(mut self, token: &'static str) -> Arg {
        self.token = Some(token);
        self
    }

    #[allow(dead_code)] // no command in the table has one yet
    const fn summary(mut self, summary: &'static str) -> Arg {
        self.summary = Some(summary);
        self
    }

    const fn since(mut self, since: &'static str) -> Arg {
        self.since = Some(since);
        self
    }

    const fn deprecated_since(mut self, since: &'static str) -> Arg {
        self.deprecated_since = Some(since);
        self
    }

    const fn optional(mut self) -> Arg {
        self.optional = true;
        self
    }

    const fn multiple(mut self) -> Arg {
        self.multiple = true;
        self
    }

    #[allow(dead_code)] // no command in the table has one yet
    const fn multiple_token(mut self) -> Arg {
        self.multiple_token = true;
        self
    }

    const fn args(mut self, args: &'static [Arg]) -> Arg {
        self.args = args;
        self
    }
}

const fn spec(flags: &'static [&'static str], begin_search: BeginSearch, find_keys: FindKeys) -> KeySpec {
    KeySpec {
        notes: None,
        flags,
        begin_search,
        find_keys,
    }
}

const fn index(pos: i32) -> BeginSearch {
    BeginSearch::Index(pos)
}

#[allow(dead_code)] // no command in the table has one yet
const fn keyword(keyword: &'static str, startfrom: i32) -> BeginSearch {
    BeginSearch::Keyword { keyword, startfrom }
}

const fn range(lastkey: i32, keystep: i32, limit: i32) -> FindKeys {
    FindKeys::Range {
        lastkey,
        keystep,
        limit,
    }
}

#[allow(dead_code)] // no command in the table has one yet
const fn keynum(keynumidx: i32, firstkey: i32, keystep: i32) -> FindKeys {
    FindKeys::Keynum {
        keynumidx,
        firstkey,
        keystep,
    }
}

impl KeySpec {
    const fn notes(mut self, notes: &'static str) -> KeySpec {
        self.notes = Some(notes);
        self
    }
}

// ---- generated by scripts/gen_command_docs.py: do not edit below ----

// ---- APPEND --------------------------------------------------------------------

#[rustfmt::skip]
static APPEND: Doc = Doc {
    name: "append",
    summary: "Append a value to a key",
    since: "2.0.0",
    group: "string",
    complexity: Some("O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation."),
    arity: 3,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "insert"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("value"),
    ],
    ..Doc::EMPTY
};

// ---- AUTH ----------------------------------------------------------------------

#[rustfmt::skip]
static AUTH: Doc = Doc {
    name: "auth",
    summary: "Authenticate to the server",
    since: "1.0.0",
    group: "connection",
    complexity: Some("O(N) where N is the number of passwords defined for the user"),
    history: &[
        ("6.0.0", "Added ACL style (username and password)."),
    ],
    arity: -2,
    flags: &["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    acl_categories: &["@fast", "@connection"],
    arguments: &[
        string("username").since("6.0.0").optional(),
        string("password"),
    ],
    ..Doc::EMPTY
};

// ---- BGREWRITEAOF --------------------------------------------------------------

#[rustfmt::skip]
static BGREWRITEAOF: Doc = Doc {
    name: "bgrewriteaof",
    summary: "Asynchronously rewrite the append-only file",
    since: "1.0.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 1,
    flags: &["admin", "noscript", "no_async_loading"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    ..Doc::EMPTY
};

// ---- BGSAVE --------------------------------------------------------------------

#[rustfmt::skip]
static BGSAVE: Doc = Doc {
    name: "bgsave",
    summary: "Asynchronously save the dataset to disk",
    since: "1.0.0",
    group: "server",
    complexity: Some("O(1)"),
    history: &[
        ("3.2.2", "Added the `SCHEDULE` option."),
    ],
    arity: -1,
    flags: &["admin", "noscript", "no_async_loading"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    arguments: &[
        pure_token("schedule").token("SCHEDULE").since("3.2.2").optional(),
    ],
    ..Doc::EMPTY
};

// ---- BITCOUNT ------------------------------------------------------------------

#[rustfmt::skip]
static BITCOUNT: Doc = Doc {
    name: "bitcount",
    summary: "Count set bits in a string",
    since: "2.6.0",
    group: "bitmap",
    complexity: Some("O(N)"),
    history: &[
        ("7.0.0", "Added the `BYTE|BIT` option."),
    ],
    arity: -2,
    flags: &["readonly"],
    acl_categories: &["@read", "@bitmap", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        block("index").optional().args(&[
            integer("start"),
            integer("end"),
            oneof("index_unit").since("7.0.0").optional().args(&[
                pure_token("byte").token("BYTE"),
                pure_token("bit").token("BIT"),
            ]),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- BITFIELD ------------------------------------------------------------------

#[rustfmt::skip]
static BITFIELD: Doc = Doc {
    name: "bitfield",
    summary: "Perform arbitrary bitfield integer operations on strings",
    since: "3.2.0",
    group: "bitmap",
    complexity: Some("O(1) for each subcommand specified"),
    arity: -2,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@bitmap", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update", "variable_flags"], index(1), range(0, 1, 0)).notes("This command allows both access and modification of the key"),
    ],
    arguments: &[
        key("key").key_spec(0),
        oneof("operation").optional().multiple().args(&[
            block("encoding_offset").token("GET").args(&[
                string("encoding"),
                integer("offset"),
            ]),
            block("write").args(&[
                oneof("wrap_sat_fail").token("OVERFLOW").optional().args(&[
                    pure_token("wrap").token("WRAP"),
                    pure_token("sat").token("SAT"),
                    pure_token("fail").token("FAIL"),
                ]),
                oneof("write_operation").args(&[
                    block("encoding_offset_value").token("SET").args(&[
                        string("encoding"),
                        integer("offset"),
                        integer("value"),
                    ]),
                    block("encoding_offset_increment").token("INCRBY").args(&[
                        string("encoding"),
                        integer("offset"),
                        integer("increment"),
                    ]),
                ]),
            ]),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- BITFIELD_RO ---------------------------------------------------------------

#[rustfmt::skip]
static BITFIELD_RO: Doc = Doc {
    name: "bitfield_ro",
    summary: "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
    since: "6.0.0",
    group: "bitmap",
    complexity: Some("O(1) for each subcommand specified"),
    arity: -2,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@bitmap", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        block("encoding_offset").token("GET").optional().multiple().multiple_token().args(&[
            string("encoding"),
            integer("offset"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- BITOP ---------------------------------------------------------------------

#[rustfmt::skip]
static BITOP: Doc = Doc {
    name: "bitop",
    summary: "Perform bitwise operations between strings",
    since: "2.6.0",
    group: "bitmap",
    complexity: Some("O(N)"),
    arity: -4,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@bitmap", "@slow"],
    legacy_keys: (2, -1, 1),
    key_specs: &[
        spec(&["OW", "update"], index(2), range(0, 1, 0)),
        spec(&["RO", "access"], index(3), range(-1, 1, 0)),
    ],
    arguments: &[
        string("operation"),
        key("destkey").key_spec(0),
        key("key").key_spec(1).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- BITPOS --------------------------------------------------------------------

#[rustfmt::skip]
static BITPOS: Doc = Doc {
    name: "bitpos",
    summary: "Find first bit set or clear in a string",
    since: "2.8.7",
    group: "bitmap",
    complexity: Some("O(N)"),
    history: &[
        ("7.0.0", "Added the `BYTE|BIT` option."),
    ],
    arity: -3,
    flags: &["readonly"],
    acl_categories: &["@read", "@bitmap", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("bit"),
        block("index").optional().args(&[
            integer("start"),
            block("end_index").optional().args(&[
                integer("end"),
                oneof("index_unit").since("7.0.0").optional().args(&[
                    pure_token("byte").token("BYTE"),
                    pure_token("bit").token("BIT"),
                ]),
            ]),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- BLMOVE --------------------------------------------------------------------

#[rustfmt::skip]
static BLMOVE: Doc = Doc {
    name: "blmove",
    summary: "Pop an element from a list, push it to another list and return it; or block until one is available",
    since: "6.2.0",
    group: "list",
    complexity: Some("O(1)"),
    arity: 6,
    flags: &["write", "denyoom", "noscript", "blocking"],
    acl_categories: &["@write", "@list", "@slow", "@blocking"],
    legacy_keys: (1, 2, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
        spec(&["RW", "insert"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("source").key_spec(0),
        key("destination").key_spec(1),
        oneof("wherefrom").args(&[
            pure_token("left").token("LEFT"),
            pure_token("right").token("RIGHT"),
        ]),
        oneof("whereto").args(&[
            pure_token("left").token("LEFT"),
            pure_token("right").token("RIGHT"),
        ]),
        double("timeout"),
    ],
    ..Doc::EMPTY
};

// ---- BLMPOP --------------------------------------------------------------------

#[rustfmt::skip]
static BLMPOP: Doc = Doc {
    name: "blmpop",
    summary: "Pop elements from a list, or block until one is available",
    since: "7.0.0",
    group: "list",
    complexity: Some("O(N+M) where N is the number of provided keys and M is the number of elements returned."),
    arity: -5,
    flags: &["write", "blocking", "movablekeys"],
    acl_categories: &["@write", "@list", "@slow", "@blocking"],
    key_specs: &[
        spec(&["RW", "access", "delete"], index(2), keynum(0, 1, 1)),
    ],
    arguments: &[
        double("timeout"),
        integer("numkeys"),
        key("key").key_spec(0).multiple(),
        oneof("where").args(&[
            pure_token("left").token("LEFT"),
            pure_token("right").token("RIGHT"),
        ]),
        integer("count").token("COUNT").optional(),
    ],
    ..Doc::EMPTY
};

// ---- BLPOP ---------------------------------------------------------------------

#[rustfmt::skip]
static BLPOP: Doc = Doc {
    name: "blpop",
    summary: "Remove and get the first element in a list, or block until one is available",
    since: "2.0.0",
    group: "list",
    complexity: Some("O(N) where N is the number of provided keys."),
    history: &[
        ("6.0.0", "`timeout` is interpreted as a double instead of an integer."),
    ],
    arity: -3,
    flags: &["write", "noscript", "blocking"],
    acl_categories: &["@write", "@list", "@slow", "@blocking"],
    legacy_keys: (1, -2, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(-2, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
        double("timeout"),
    ],
    ..Doc::EMPTY
};

// ---- BRPOP ---------------------------------------------------------------------

#[rustfmt::skip]
static BRPOP: Doc = Doc {
    name: "brpop",
    summary: "Remove and get the last element in a list, or block until one is available",
    since: "2.0.0",
    group: "list",
    complexity: Some("O(N) where N is the number of provided keys."),
    history: &[
        ("6.0.0", "`timeout` is interpreted as a double instead of an integer."),
    ],
    arity: -3,
    flags: &["write", "noscript", "blocking"],
    acl_categories: &["@write", "@list", "@slow", "@blocking"],
    legacy_keys: (1, -2, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(-2, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
        double("timeout"),
    ],
    ..Doc::EMPTY
};

// ---- BRPOPLPUSH ----------------------------------------------------------------

#[rustfmt::skip]
static BRPOPLPUSH: Doc = Doc {
    name: "brpoplpush",
    summary: "Pop an element from a list, push it to another list and return it; or block until one is available",
    since: "2.2.0",
    group: "list",
    complexity: Some("O(1)"),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`BLMOVE` with the `RIGHT` and `LEFT` arguments"),
    history: &[
        ("6.0.0", "`timeout` is interpreted as a double instead of an integer."),
    ],
    arity: 4,
    flags: &["write", "denyoom", "noscript", "blocking"],
    acl_categories: &["@write", "@list", "@slow", "@blocking"],
    legacy_keys: (1, 2, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
        spec(&["RW", "insert"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("source").key_spec(0),
        key("destination").key_spec(1),
        double("timeout"),
    ],
    ..Doc::EMPTY
};

// ---- BZMPOP --------------------------------------------------------------------

#[rustfmt::skip]
static BZMPOP: Doc = Doc {
    name: "bzmpop",
    summary: "Remove and return members with scores in a sorted set or block until one is available",
    since: "7.0.0",
    group: "sorted-set",
    complexity: Some("O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped."),
    arity: -5,
    flags: &["write", "blocking", "movablekeys"],
    acl_categories: &["@write", "@sortedset", "@slow", "@blocking"],
    key_specs: &[
        spec(&["RW", "access", "delete"], index(2), keynum(0, 1, 1)),
    ],
    arguments: &[
        double("timeout"),
        integer("numkeys"),
        key("key").key_spec(0).multiple(),
        oneof("where").args(&[
            pure_token("min").token("MIN"),
            pure_token("max").token("MAX"),
        ]),
        integer("count").token("COUNT").optional(),
    ],
    ..Doc::EMPTY
};

// ---- BZPOPMAX ------------------------------------------------------------------

#[rustfmt::skip]
static BZPOPMAX: Doc = Doc {
    name: "bzpopmax",
    summary: "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
    since: "5.0.0",
    group: "sorted-set",
    complexity: Some("O(log(N)) with N being the number of elements in the sorted set."),
    history: &[
        ("6.0.0", "`timeout` is interpreted as a double instead of an integer."),
    ],
    arity: -3,
    flags: &["write", "noscript", "blocking", "fast"],
    acl_categories: &["@write", "@sortedset", "@fast", "@blocking"],
    legacy_keys: (1, -2, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(-2, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
        double("timeout"),
    ],
    ..Doc::EMPTY
};

// ---- BZPOPMIN ------------------------------------------------------------------

#[rustfmt::skip]
static BZPOPMIN: Doc = Doc {
    name: "bzpopmin",
    summary: "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
    since: "5.0.0",
    group: "sorted-set",
    complexity: Some("O(log(N)) with N being the number of elements in the sorted set."),
    history: &[
        ("6.0.0", "`timeout` is interpreted as a double instead of an integer."),
    ],
    arity: -3,
    flags: &["write", "noscript", "blocking", "fast"],
    acl_categories: &["@write", "@sortedset", "@fast", "@blocking"],
    legacy_keys: (1, -2, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(-2, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
        double("timeout"),
    ],
    ..Doc::EMPTY
};

// ---- CLIENT --------------------------------------------------------------------

#[rustfmt::skip]
static CLIENT_CACHING: Doc = Doc {
    name: "client|caching",
    summary: "Instruct the server about tracking or not keys in the next request",
    since: "6.0.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["noscript", "loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    arguments: &[
        oneof("mode").args(&[
            pure_token("yes").token("YES"),
            pure_token("no").token("NO"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_GETNAME: Doc = Doc {
    name: "client|getname",
    summary: "Get the current connection name",
    since: "2.6.9",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["noscript", "loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_GETREDIR: Doc = Doc {
    name: "client|getredir",
    summary: "Get tracking notifications redirection client ID if any",
    since: "6.0.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["noscript", "loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_HELP: Doc = Doc {
    name: "client|help",
    summary: "Show helpful text about the different subcommands",
    since: "5.0.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_ID: Doc = Doc {
    name: "client|id",
    summary: "Returns the client ID for the current connection",
    since: "5.0.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["noscript", "loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_INFO: Doc = Doc {
    name: "client|info",
    summary: "Returns information about the current client connection.",
    since: "6.2.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["noscript", "loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    tips: &["nondeterministic_output"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_KILL: Doc = Doc {
    name: "client|kill",
    summary: "Kill the connection of a client",
    since: "2.4.0",
    group: "connection",
    complexity: Some("O(N) where N is the number of client connections"),
    history: &[
        ("2.8.12", "Added new filter format."),
        ("2.8.12", "`ID` option."),
        ("3.2.0", "Added `master` type in for `TYPE` option."),
        ("5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility."),
        ("6.2.0", "`LADDR` option."),
    ],
    arity: -3,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
    arguments: &[
        oneof("filter").args(&[
            string("ip:port").deprecated_since("2.8.12"),
            oneof("new-format").multiple().args(&[
                integer("client-id").token("ID").since("2.8.12").optional(),
                oneof("normal_master_slave_pubsub").token("TYPE").since("2.8.12").optional().args(&[
                    pure_token("normal").token("NORMAL"),
                    pure_token("master").token("MASTER").since("3.2.0"),
                    pure_token("slave").token("SLAVE"),
                    pure_token("replica").token("REPLICA").since("5.0.0"),
                    pure_token("pubsub").token("PUBSUB"),
                ]),
                string("username").token("USER").optional(),
                string("ip:port").token("ADDR").optional(),
                string("ip:port").token("LADDR").since("6.2.0").optional(),
                string("yes/no").token("SKIPME").optional(),
            ]),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_LIST: Doc = Doc {
    name: "client|list",
    summary: "Get the list of client connections",
    since: "2.4.0",
    group: "connection",
    complexity: Some("O(N) where N is the number of client connections"),
    history: &[
        ("2.8.12", "Added unique client `id` field."),
        ("5.0.0", "Added optional `TYPE` filter."),
        ("6.0.0", "Added `user` field."),
        ("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."),
        ("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."),
        ("7.0.3", "Added `ssub` field."),
    ],
    arity: -2,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
    tips: &["nondeterministic_output"],
    arguments: &[
        oneof("normal_master_replica_pubsub").token("TYPE").since("5.0.0").optional().args(&[
            pure_token("normal").token("NORMAL"),
            pure_token("master").token("MASTER"),
            pure_token("replica").token("REPLICA"),
            pure_token("pubsub").token("PUBSUB"),
        ]),
        block("id").token("ID").since("6.2.0").optional().args(&[
            integer("client-id").multiple(),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_NO_EVICT: Doc = Doc {
    name: "client|no-evict",
    summary: "Set client eviction mode for the current connection",
    since: "7.0.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
    arguments: &[
        oneof("enabled").args(&[
            pure_token("on").token("ON"),
            pure_token("off").token("OFF"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_NO_TOUCH: Doc = Doc {
    name: "client|no-touch",
    summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
    since: "7.2.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["noscript", "loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    arguments: &[
        oneof("enabled").args(&[
            pure_token("on").token("ON"),
            pure_token("off").token("OFF"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_PAUSE: Doc = Doc {
    name: "client|pause",
    summary: "Stop processing commands from clients for some time",
    since: "2.9.50",
    group: "connection",
    complexity: Some("O(1)"),
    history: &[
        ("6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."),
    ],
    arity: -3,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
    arguments: &[
        integer("timeout"),
        oneof("mode").since("6.2.0").optional().args(&[
            pure_token("write").token("WRITE"),
            pure_token("all").token("ALL"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_REPLY: Doc = Doc {
    name: "client|reply",
    summary: "Instruct the server whether to reply to commands",
    since: "3.2.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["noscript", "loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    arguments: &[
        oneof("on_off_skip").args(&[
            pure_token("on").token("ON"),
            pure_token("off").token("OFF"),
            pure_token("skip").token("SKIP"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_SETINFO: Doc = Doc {
    name: "client|setinfo",
    summary: "Sets information specific to the client or connection.",
    since: "7.2.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 4,
    flags: &["noscript", "loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    arguments: &[
        oneof("attr").args(&[
            string("libname").token("LIB-NAME"),
            string("libver").token("LIB-VER"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_SETNAME: Doc = Doc {
    name: "client|setname",
    summary: "Set the current connection name",
    since: "2.6.9",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["noscript", "loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    arguments: &[
        string("connection-name"),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_TRACKING: Doc = Doc {
    name: "client|tracking",
    summary: "Enable or disable server assisted client side caching support",
    since: "6.0.0",
    group: "connection",
    complexity: Some("O(1). Some options may introduce additional complexity."),
    arity: -3,
    flags: &["noscript", "loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    arguments: &[
        oneof("status").args(&[
            pure_token("on").token("ON"),
            pure_token("off").token("OFF"),
        ]),
        integer("client-id").token("REDIRECT").optional(),
        string("prefix").token("PREFIX").optional().multiple().multiple_token(),
        pure_token("bcast").token("BCAST").optional(),
        pure_token("optin").token("OPTIN").optional(),
        pure_token("optout").token("OPTOUT").optional(),
        pure_token("noloop").token("NOLOOP").optional(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_TRACKINGINFO: Doc = Doc {
    name: "client|trackinginfo",
    summary: "Return information about server assisted client side caching for the current connection",
    since: "6.2.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["noscript", "loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_UNBLOCK: Doc = Doc {
    name: "client|unblock",
    summary: "Unblock a client blocked in a blocking command from a different connection",
    since: "5.0.0",
    group: "connection",
    complexity: Some("O(log N) where N is the number of client connections"),
    arity: -3,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
    arguments: &[
        integer("client-id"),
        oneof("timeout_error").optional().args(&[
            pure_token("timeout").token("TIMEOUT"),
            pure_token("error").token("ERROR"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT_UNPAUSE: Doc = Doc {
    name: "client|unpause",
    summary: "Resume processing of clients that were paused",
    since: "6.2.0",
    group: "connection",
    complexity: Some("O(N) Where N is the number of paused clients"),
    arity: 2,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous", "@connection"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CLIENT: Doc = Doc {
    name: "client",
    summary: "A container for client connection commands",
    since: "2.4.0",
    group: "connection",
    complexity: Some("Depends on subcommand."),
    arity: -2,
    flags: &[],
    acl_categories: &["@slow"],
    subcommands: &[&CLIENT_CACHING, &CLIENT_GETNAME, &CLIENT_GETREDIR, &CLIENT_HELP, &CLIENT_ID, &CLIENT_INFO, &CLIENT_KILL, &CLIENT_LIST, &CLIENT_NO_EVICT, &CLIENT_NO_TOUCH, &CLIENT_PAUSE, &CLIENT_REPLY, &CLIENT_SETINFO, &CLIENT_SETNAME, &CLIENT_TRACKING, &CLIENT_TRACKINGINFO, &CLIENT_UNBLOCK, &CLIENT_UNPAUSE],
    ..Doc::EMPTY
};

// ---- COMMAND -------------------------------------------------------------------

#[rustfmt::skip]
static COMMAND_COUNT: Doc = Doc {
    name: "command|count",
    summary: "Get total number of Redis commands",
    since: "2.8.13",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static COMMAND_DOCS: Doc = Doc {
    name: "command|docs",
    summary: "Get array of specific Redis command documentation",
    since: "7.0.0",
    group: "server",
    complexity: Some("O(N) where N is the number of commands to look up"),
    arity: -2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    tips: &["nondeterministic_output_order"],
    arguments: &[
        string("command-name").optional().multiple(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static COMMAND_GETKEYS: Doc = Doc {
    name: "command|getkeys",
    summary: "Extract keys given a full Redis command",
    since: "2.8.13",
    group: "server",
    complexity: Some("O(N) where N is the number of arguments to the command"),
    arity: -4,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static COMMAND_GETKEYSANDFLAGS: Doc = Doc {
    name: "command|getkeysandflags",
    summary: "Extract keys and access flags given a full Redis command",
    since: "7.0.0",
    group: "server",
    complexity: Some("O(N) where N is the number of arguments to the command"),
    arity: -4,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static COMMAND_HELP: Doc = Doc {
    name: "command|help",
    summary: "Show helpful text about the different subcommands",
    since: "5.0.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static COMMAND_INFO: Doc = Doc {
    name: "command|info",
    summary: "Get array of specific Redis command details, or all when no argument is given.",
    since: "2.8.13",
    group: "server",
    complexity: Some("O(N) where N is the number of commands to look up"),
    history: &[
        ("7.0.0", "Allowed to be called with no argument to get info on all commands."),
    ],
    arity: -2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    tips: &["nondeterministic_output_order"],
    arguments: &[
        string("command-name").optional().multiple(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static COMMAND_LIST: Doc = Doc {
    name: "command|list",
    summary: "Get an array of Redis command names",
    since: "7.0.0",
    group: "server",
    complexity: Some("O(N) where N is the total number of Redis commands"),
    arity: -2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    tips: &["nondeterministic_output_order"],
    arguments: &[
        oneof("filterby").token("FILTERBY").optional().args(&[
            string("module-name").token("MODULE"),
            string("category").token("ACLCAT"),
            pattern("pattern").token("PATTERN"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static COMMAND: Doc = Doc {
    name: "command",
    summary: "Get array of Redis command details",
    since: "2.8.13",
    group: "server",
    complexity: Some("O(N) where N is the total number of Redis commands"),
    arity: -1,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@connection"],
    tips: &["nondeterministic_output_order"],
    subcommands: &[&COMMAND_COUNT, &COMMAND_DOCS, &COMMAND_GETKEYS, &COMMAND_GETKEYSANDFLAGS, &COMMAND_HELP, &COMMAND_INFO, &COMMAND_LIST],
    ..Doc::EMPTY
};

// ---- CONFIG --------------------------------------------------------------------

#[rustfmt::skip]
static CONFIG_GET: Doc = Doc {
    name: "config|get",
    summary: "Get the values of configuration parameters",
    since: "2.0.0",
    group: "server",
    complexity: Some("O(N) when N is the number of configuration parameters provided"),
    history: &[
        ("7.0.0", "Added the ability to pass multiple pattern parameters in one call"),
    ],
    arity: -3,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    arguments: &[
        block("parameter").multiple().args(&[
            string("parameter"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CONFIG_HELP: Doc = Doc {
    name: "config|help",
    summary: "Show helpful text about the different subcommands",
    since: "5.0.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CONFIG_RESETSTAT: Doc = Doc {
    name: "config|resetstat",
    summary: "Reset the stats returned by INFO",
    since: "2.0.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CONFIG_REWRITE: Doc = Doc {
    name: "config|rewrite",
    summary: "Rewrite the configuration file with the in memory configuration",
    since: "2.8.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CONFIG_SET: Doc = Doc {
    name: "config|set",
    summary: "Set configuration parameters to the given values",
    since: "2.0.0",
    group: "server",
    complexity: Some("O(N) when N is the number of configuration parameters provided"),
    history: &[
        ("7.0.0", "Added the ability to set multiple parameters in one call."),
    ],
    arity: -4,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
    arguments: &[
        block("parameter_value").multiple().args(&[
            string("parameter"),
            string("value"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static CONFIG: Doc = Doc {
    name: "config",
    summary: "A container for server configuration commands",
    since: "2.0.0",
    group: "server",
    complexity: Some("Depends on subcommand."),
    arity: -2,
    flags: &[],
    acl_categories: &["@slow"],
    subcommands: &[&CONFIG_GET, &CONFIG_HELP, &CONFIG_RESETSTAT, &CONFIG_REWRITE, &CONFIG_SET],
    ..Doc::EMPTY
};

// ---- COPY ----------------------------------------------------------------------

#[rustfmt::skip]
static COPY: Doc = Doc {
    name: "copy",
    summary: "Copy a key",
    since: "6.2.0",
    group: "generic",
    complexity: Some("O(N) worst case for collections, where N is the number of nested items. O(1) for string values."),
    arity: -3,
    flags: &["write", "denyoom"],
    acl_categories: &["@keyspace", "@write", "@slow"],
    legacy_keys: (1, 2, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
        spec(&["OW", "update"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("source").key_spec(0),
        key("destination").key_spec(1),
        integer("destination-db").token("DB").optional(),
        pure_token("replace").token("REPLACE").optional(),
    ],
    ..Doc::EMPTY
};

// ---- DBSIZE --------------------------------------------------------------------

#[rustfmt::skip]
static DBSIZE: Doc = Doc {
    name: "dbsize",
    summary: "Return the number of keys in the selected database",
    since: "1.0.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 1,
    flags: &["readonly", "fast"],
    acl_categories: &["@keyspace", "@read", "@fast"],
    tips: &["request_policy:all_shards", "response_policy:agg_sum"],
    ..Doc::EMPTY
};

// ---- DEBUG ---------------------------------------------------------------------

#[rustfmt::skip]
static DEBUG: Doc = Doc {
    name: "debug",
    summary: "A container for debugging commands",
    since: "1.0.0",
    group: "server",
    complexity: Some("Depends on subcommand."),
    doc_flags: &["syscmd"],
    arity: -2,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    ..Doc::EMPTY
};

// ---- DECR ----------------------------------------------------------------------

#[rustfmt::skip]
static DECR: Doc = Doc {
    name: "decr",
    summary: "Decrement the integer value of a key by one",
    since: "1.0.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- DECRBY --------------------------------------------------------------------

#[rustfmt::skip]
static DECRBY: Doc = Doc {
    name: "decrby",
    summary: "Decrement the integer value of a key by the given number",
    since: "1.0.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("decrement"),
    ],
    ..Doc::EMPTY
};

// ---- DEL -----------------------------------------------------------------------

#[rustfmt::skip]
static DEL: Doc = Doc {
    name: "del",
    summary: "Delete a key",
    since: "1.0.0",
    group: "generic",
    complexity: Some("O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1)."),
    arity: -2,
    flags: &["write"],
    acl_categories: &["@keyspace", "@write", "@slow"],
    legacy_keys: (1, -1, 1),
    tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
    key_specs: &[
        spec(&["RM", "delete"], index(1), range(-1, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- DISCARD -------------------------------------------------------------------

#[rustfmt::skip]
static DISCARD: Doc = Doc {
    name: "discard",
    summary: "Discard all commands issued after MULTI",
    since: "2.0.0",
    group: "transactions",
    complexity: Some("O(N), when N is the number of queued commands"),
    arity: 1,
    flags: &["noscript", "loading", "stale", "fast", "allow_busy"],
    acl_categories: &["@fast", "@transaction"],
    ..Doc::EMPTY
};

// ---- DUMP ----------------------------------------------------------------------

#[rustfmt::skip]
static DUMP: Doc = Doc {
    name: "dump",
    summary: "Return a serialized version of the value stored at the specified key.",
    since: "2.6.0",
    group: "generic",
    complexity: Some("O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1)."),
    arity: 2,
    flags: &["readonly"],
    acl_categories: &["@keyspace", "@read", "@slow"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- ECHO ----------------------------------------------------------------------

#[rustfmt::skip]
static ECHO: Doc = Doc {
    name: "echo",
    summary: "Echo the given string",
    since: "1.0.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale", "fast"],
    acl_categories: &["@fast", "@connection"],
    arguments: &[
        string("message"),
    ],
    ..Doc::EMPTY
};

// ---- EVAL ----------------------------------------------------------------------

#[rustfmt::skip]
static EVAL: Doc = Doc {
    name: "eval",
    summary: "Execute a Lua script server side",
    since: "2.6.0",
    group: "scripting",
    complexity: Some("Depends on the script that is executed."),
    arity: -3,
    flags: &["noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"],
    acl_categories: &["@slow", "@scripting"],
    key_specs: &[
        spec(&["RW", "access", "update"], index(2), keynum(0, 1, 1)).notes("We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"),
    ],
    arguments: &[
        string("script"),
        integer("numkeys"),
        key("key").key_spec(0).optional().multiple(),
        string("arg").optional().multiple(),
    ],
    ..Doc::EMPTY
};

// ---- EVAL_RO -------------------------------------------------------------------

#[rustfmt::skip]
static EVAL_RO: Doc = Doc {
    name: "eval_ro",
    summary: "Execute a read-only Lua script server side",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("Depends on the script that is executed."),
    arity: -3,
    flags: &["readonly", "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"],
    acl_categories: &["@slow", "@scripting"],
    key_specs: &[
        spec(&["RO", "access"], index(2), keynum(0, 1, 1)).notes("We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"),
    ],
    arguments: &[
        string("script"),
        integer("numkeys"),
        key("key").key_spec(0).optional().multiple(),
        string("arg").optional().multiple(),
    ],
    ..Doc::EMPTY
};

// ---- EVALSHA -------------------------------------------------------------------

#[rustfmt::skip]
static EVALSHA: Doc = Doc {
    name: "evalsha",
    summary: "Execute a Lua script server side",
    since: "2.6.0",
    group: "scripting",
    complexity: Some("Depends on the script that is executed."),
    arity: -3,
    flags: &["noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"],
    acl_categories: &["@slow", "@scripting"],
    key_specs: &[
        spec(&["RW", "access", "update"], index(2), keynum(0, 1, 1)),
    ],
    arguments: &[
        string("sha1"),
        integer("numkeys"),
        key("key").key_spec(0).optional().multiple(),
        string("arg").optional().multiple(),
    ],
    ..Doc::EMPTY
};

// ---- EVALSHA_RO ----------------------------------------------------------------

#[rustfmt::skip]
static EVALSHA_RO: Doc = Doc {
    name: "evalsha_ro",
    summary: "Execute a read-only Lua script server side",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("Depends on the script that is executed."),
    arity: -3,
    flags: &["readonly", "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"],
    acl_categories: &["@slow", "@scripting"],
    key_specs: &[
        spec(&["RO", "access"], index(2), keynum(0, 1, 1)),
    ],
    arguments: &[
        string("sha1"),
        integer("numkeys"),
        key("key").key_spec(0).optional().multiple(),
        string("arg").optional().multiple(),
    ],
    ..Doc::EMPTY
};

// ---- EXEC ----------------------------------------------------------------------

#[rustfmt::skip]
static EXEC: Doc = Doc {
    name: "exec",
    summary: "Execute all commands issued after MULTI",
    since: "1.2.0",
    group: "transactions",
    complexity: Some("Depends on commands in the transaction"),
    arity: 1,
    flags: &["noscript", "loading", "stale", "skip_slowlog"],
    acl_categories: &["@slow", "@transaction"],
    ..Doc::EMPTY
};

// ---- EXISTS --------------------------------------------------------------------

#[rustfmt::skip]
static EXISTS: Doc = Doc {
    name: "exists",
    summary: "Determine if a key exists",
    since: "1.0.0",
    group: "generic",
    complexity: Some("O(N) where N is the number of keys to check."),
    history: &[
        ("3.0.3", "Accepts multiple `key` arguments."),
    ],
    arity: -2,
    flags: &["readonly", "fast"],
    acl_categories: &["@keyspace", "@read", "@fast"],
    legacy_keys: (1, -1, 1),
    tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
    key_specs: &[
        spec(&["RO"], index(1), range(-1, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- EXPIRE --------------------------------------------------------------------

#[rustfmt::skip]
static EXPIRE: Doc = Doc {
    name: "expire",
    summary: "Set a key's time to live in seconds",
    since: "1.0.0",
    group: "generic",
    complexity: Some("O(1)"),
    history: &[
        ("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
    ],
    arity: -3,
    flags: &["write", "fast"],
    acl_categories: &["@keyspace", "@write", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("seconds"),
        oneof("condition").since("7.0.0").optional().args(&[
            pure_token("nx").token("NX"),
            pure_token("xx").token("XX"),
            pure_token("gt").token("GT"),
            pure_token("lt").token("LT"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- EXPIREAT ------------------------------------------------------------------

#[rustfmt::skip]
static EXPIREAT: Doc = Doc {
    name: "expireat",
    summary: "Set the expiration for a key as a UNIX timestamp",
    since: "1.2.0",
    group: "generic",
    complexity: Some("O(1)"),
    history: &[
        ("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
    ],
    arity: -3,
    flags: &["write", "fast"],
    acl_categories: &["@keyspace", "@write", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        unix_time("unix-time-seconds"),
        oneof("condition").since("7.0.0").optional().args(&[
            pure_token("nx").token("NX"),
            pure_token("xx").token("XX"),
            pure_token("gt").token("GT"),
            pure_token("lt").token("LT"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- EXPIRETIME ----------------------------------------------------------------

#[rustfmt::skip]
static EXPIRETIME: Doc = Doc {
    name: "expiretime",
    summary: "Get the expiration Unix timestamp for a key",
    since: "7.0.0",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["readonly", "fast"],
    acl_categories: &["@keyspace", "@read", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- FAILOVER ------------------------------------------------------------------

#[rustfmt::skip]
static FAILOVER: Doc = Doc {
    name: "failover",
    summary: "Start a coordinated failover between this server and one of its replicas.",
    since: "6.2.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: -1,
    flags: &["admin", "noscript", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    arguments: &[
        block("target").token("TO").optional().args(&[
            string("host"),
            integer("port"),
            pure_token("force").token("FORCE").optional(),
        ]),
        pure_token("abort").token("ABORT").optional(),
        integer("milliseconds").token("TIMEOUT").optional(),
    ],
    ..Doc::EMPTY
};

// ---- FCALL ---------------------------------------------------------------------

#[rustfmt::skip]
static FCALL: Doc = Doc {
    name: "fcall",
    summary: "Invoke a function",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("Depends on the function that is executed."),
    arity: -3,
    flags: &["noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"],
    acl_categories: &["@slow", "@scripting"],
    key_specs: &[
        spec(&["RW", "access", "update"], index(2), keynum(0, 1, 1)).notes("We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"),
    ],
    arguments: &[
        string("function"),
        integer("numkeys"),
        key("key").key_spec(0).optional().multiple(),
        string("arg").optional().multiple(),
    ],
    ..Doc::EMPTY
};

// ---- FCALL_RO ------------------------------------------------------------------

#[rustfmt::skip]
static FCALL_RO: Doc = Doc {
    name: "fcall_ro",
    summary: "Invoke a read-only function",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("Depends on the function that is executed."),
    arity: -3,
    flags: &["readonly", "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"],
    acl_categories: &["@slow", "@scripting"],
    key_specs: &[
        spec(&["RO", "access"], index(2), keynum(0, 1, 1)).notes("We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"),
    ],
    arguments: &[
        string("function"),
        integer("numkeys"),
        key("key").key_spec(0).optional().multiple(),
        string("arg").optional().multiple(),
    ],
    ..Doc::EMPTY
};

// ---- FLUSHALL ------------------------------------------------------------------

#[rustfmt::skip]
static FLUSHALL: Doc = Doc {
    name: "flushall",
    summary: "Remove all keys from all databases",
    since: "1.0.0",
    group: "server",
    complexity: Some("O(N) where N is the total number of keys in all databases"),
    history: &[
        ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
        ("6.2.0", "Added the `SYNC` flushing mode modifier."),
    ],
    arity: -1,
    flags: &["write"],
    acl_categories: &["@keyspace", "@write", "@slow", "@dangerous"],
    tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
    arguments: &[
        oneof("async").optional().args(&[
            pure_token("async").token("ASYNC").since("4.0.0"),
            pure_token("sync").token("SYNC").since("6.2.0"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- FLUSHDB -------------------------------------------------------------------

#[rustfmt::skip]
static FLUSHDB: Doc = Doc {
    name: "flushdb",
    summary: "Remove all keys from the current database",
    since: "1.0.0",
    group: "server",
    complexity: Some("O(N) where N is the number of keys in the selected database"),
    history: &[
        ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
        ("6.2.0", "Added the `SYNC` flushing mode modifier."),
    ],
    arity: -1,
    flags: &["write"],
    acl_categories: &["@keyspace", "@write", "@slow", "@dangerous"],
    tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
    arguments: &[
        oneof("async").optional().args(&[
            pure_token("async").token("ASYNC").since("4.0.0"),
            pure_token("sync").token("SYNC").since("6.2.0"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- FUNCTION ------------------------------------------------------------------

#[rustfmt::skip]
static FUNCTION_DELETE: Doc = Doc {
    name: "function|delete",
    summary: "Delete a function by name",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["write", "noscript"],
    acl_categories: &["@write", "@slow", "@scripting"],
    tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
    arguments: &[
        string("library-name"),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static FUNCTION_DUMP: Doc = Doc {
    name: "function|dump",
    summary: "Dump all functions into a serialized binary payload",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("O(N) where N is the number of functions"),
    arity: 2,
    flags: &["noscript"],
    acl_categories: &["@slow", "@scripting"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static FUNCTION_FLUSH: Doc = Doc {
    name: "function|flush",
    summary: "Deleting all functions",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("O(N) where N is the number of functions deleted"),
    arity: -2,
    flags: &["write", "noscript"],
    acl_categories: &["@write", "@slow", "@scripting"],
    tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
    arguments: &[
        oneof("async").optional().args(&[
            pure_token("async").token("ASYNC"),
            pure_token("sync").token("SYNC"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static FUNCTION_HELP: Doc = Doc {
    name: "function|help",
    summary: "Show helpful text about the different subcommands",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@scripting"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static FUNCTION_KILL: Doc = Doc {
    name: "function|kill",
    summary: "Kill the function currently in execution.",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["noscript", "allow_busy"],
    acl_categories: &["@slow", "@scripting"],
    tips: &["request_policy:all_shards", "response_policy:one_succeeded"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static FUNCTION_LIST: Doc = Doc {
    name: "function|list",
    summary: "List information about all the functions",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("O(N) where N is the number of functions"),
    arity: -2,
    flags: &["noscript"],
    acl_categories: &["@slow", "@scripting"],
    tips: &["nondeterministic_output_order"],
    arguments: &[
        string("library-name-pattern").token("LIBRARYNAME").optional(),
        pure_token("withcode").token("WITHCODE").optional(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static FUNCTION_LOAD: Doc = Doc {
    name: "function|load",
    summary: "Create a function with the given arguments (name, code, description)",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("O(1) (considering compilation time is redundant)"),
    arity: -3,
    flags: &["write", "denyoom", "noscript"],
    acl_categories: &["@write", "@slow", "@scripting"],
    tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
    arguments: &[
        pure_token("replace").token("REPLACE").optional(),
        string("function-code"),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static FUNCTION_RESTORE: Doc = Doc {
    name: "function|restore",
    summary: "Restore all the functions on the given payload",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("O(N) where N is the number of functions on the payload"),
    arity: -3,
    flags: &["write", "denyoom", "noscript"],
    acl_categories: &["@write", "@slow", "@scripting"],
    tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
    arguments: &[
        string("serialized-value"),
        oneof("policy").optional().args(&[
            pure_token("flush").token("FLUSH"),
            pure_token("append").token("APPEND"),
            pure_token("replace").token("REPLACE"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static FUNCTION_STATS: Doc = Doc {
    name: "function|stats",
    summary: "Return information about the function currently running (name, description, duration)",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["noscript", "allow_busy"],
    acl_categories: &["@slow", "@scripting"],
    tips: &["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static FUNCTION: Doc = Doc {
    name: "function",
    summary: "A container for function commands",
    since: "7.0.0",
    group: "scripting",
    complexity: Some("Depends on subcommand."),
    arity: -2,
    flags: &[],
    acl_categories: &["@slow"],
    subcommands: &[&FUNCTION_DELETE, &FUNCTION_DUMP, &FUNCTION_FLUSH, &FUNCTION_HELP, &FUNCTION_KILL, &FUNCTION_LIST, &FUNCTION_LOAD, &FUNCTION_RESTORE, &FUNCTION_STATS],
    ..Doc::EMPTY
};

// ---- GEOADD --------------------------------------------------------------------

#[rustfmt::skip]
static GEOADD: Doc = Doc {
    name: "geoadd",
    summary: "Add one or more geospatial items in the geospatial index represented using a sorted set",
    since: "3.2.0",
    group: "geo",
    complexity: Some("O(log(N)) for each item added, where N is the number of elements in the sorted set."),
    history: &[
        ("6.2.0", "Added the `CH`, `NX` and `XX` options."),
    ],
    arity: -5,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@geo", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        oneof("condition").since("6.2.0").optional().args(&[
            pure_token("nx").token("NX"),
            pure_token("xx").token("XX"),
        ]),
        pure_token("change").token("CH").since("6.2.0").optional(),
        block("longitude_latitude_member").multiple().args(&[
            double("longitude"),
            double("latitude"),
            string("member"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- GEODIST -------------------------------------------------------------------

#[rustfmt::skip]
static GEODIST: Doc = Doc {
    name: "geodist",
    summary: "Returns the distance between two members of a geospatial index",
    since: "3.2.0",
    group: "geo",
    complexity: Some("O(log(N))"),
    arity: -4,
    flags: &["readonly"],
    acl_categories: &["@read", "@geo", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member1"),
        string("member2"),
        oneof("unit").optional().args(&[
            pure_token("m").token("M"),
            pure_token("km").token("KM"),
            pure_token("ft").token("FT"),
            pure_token("mi").token("MI"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- GEOHASH -------------------------------------------------------------------

#[rustfmt::skip]
static GEOHASH: Doc = Doc {
    name: "geohash",
    summary: "Returns members of a geospatial index as standard geohash strings",
    since: "3.2.0",
    group: "geo",
    complexity: Some("O(log(N)) for each member requested, where N is the number of elements in the sorted set."),
    arity: -2,
    flags: &["readonly"],
    acl_categories: &["@read", "@geo", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- GEOPOS --------------------------------------------------------------------

#[rustfmt::skip]
static GEOPOS: Doc = Doc {
    name: "geopos",
    summary: "Returns longitude and latitude of members of a geospatial index",
    since: "3.2.0",
    group: "geo",
    complexity: Some("O(N) where N is the number of members requested."),
    arity: -2,
    flags: &["readonly"],
    acl_categories: &["@read", "@geo", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- GEORADIUS -----------------------------------------------------------------

#[rustfmt::skip]
static GEORADIUS: Doc = Doc {
    name: "georadius",
    summary: "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point",
    since: "3.2.0",
    group: "geo",
    complexity: Some("O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index."),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument"),
    history: &[
        ("6.2.0", "Added the `ANY` option for `COUNT`."),
        ("7.0.0", "Added support for uppercase unit names."),
    ],
    arity: -6,
    flags: &["write", "denyoom", "movablekeys"],
    acl_categories: &["@write", "@geo", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
        spec(&["OW", "update"], keyword("STORE", 6), range(0, 1, 0)),
        spec(&["OW", "update"], keyword("STOREDIST", 6), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        double("longitude"),
        double("latitude"),
        double("radius"),
        oneof("unit").args(&[
            pure_token("m").token("M"),
            pure_token("km").token("KM"),
            pure_token("ft").token("FT"),
            pure_token("mi").token("MI"),
        ]),
        pure_token("withcoord").token("WITHCOORD").optional(),
        pure_token("withdist").token("WITHDIST").optional(),
        pure_token("withhash").token("WITHHASH").optional(),
        block("count").optional().args(&[
            integer("count").token("COUNT"),
            pure_token("any").token("ANY").since("6.2.0").optional(),
        ]),
        oneof("order").optional().args(&[
            pure_token("asc").token("ASC"),
            pure_token("desc").token("DESC"),
        ]),
        key("key").key_spec(1).token("STORE").optional(),
        key("key").key_spec(2).token("STOREDIST").optional(),
    ],
    ..Doc::EMPTY
};

// ---- GEORADIUS_RO --------------------------------------------------------------

#[rustfmt::skip]
static GEORADIUS_RO: Doc = Doc {
    name: "georadius_ro",
    summary: "A read-only variant for GEORADIUS",
    since: "3.2.10",
    group: "geo",
    complexity: Some("O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index."),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`GEOSEARCH` with the `BYRADIUS` argument"),
    history: &[
        ("6.2.0", "Added the `ANY` option for `COUNT`."),
    ],
    arity: -6,
    flags: &["readonly"],
    acl_categories: &["@read", "@geo", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        double("longitude"),
        double("latitude"),
        double("radius"),
        oneof("unit").args(&[
            pure_token("m").token("M"),
            pure_token("km").token("KM"),
            pure_token("ft").token("FT"),
            pure_token("mi").token("MI"),
        ]),
        pure_token("withcoord").token("WITHCOORD").optional(),
        pure_token("withdist").token("WITHDIST").optional(),
        pure_token("withhash").token("WITHHASH").optional(),
        block("count").optional().args(&[
            integer("count").token("COUNT"),
            pure_token("any").token("ANY").since("6.2.0").optional(),
        ]),
        oneof("order").optional().args(&[
            pure_token("asc").token("ASC"),
            pure_token("desc").token("DESC"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- GEORADIUSBYMEMBER ---------------------------------------------------------

#[rustfmt::skip]
static GEORADIUSBYMEMBER: Doc = Doc {
    name: "georadiusbymember",
    summary: "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member",
    since: "3.2.0",
    group: "geo",
    complexity: Some("O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index."),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments"),
    history: &[
        ("7.0.0", "Added support for uppercase unit names."),
    ],
    arity: -5,
    flags: &["write", "denyoom", "movablekeys"],
    acl_categories: &["@write", "@geo", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
        spec(&["OW", "update"], keyword("STORE", 5), range(0, 1, 0)),
        spec(&["OW", "update"], keyword("STOREDIST", 5), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member"),
        double("radius"),
        oneof("unit").args(&[
            pure_token("m").token("M"),
            pure_token("km").token("KM"),
            pure_token("ft").token("FT"),
            pure_token("mi").token("MI"),
        ]),
        pure_token("withcoord").token("WITHCOORD").optional(),
        pure_token("withdist").token("WITHDIST").optional(),
        pure_token("withhash").token("WITHHASH").optional(),
        block("count").optional().args(&[
            integer("count").token("COUNT"),
            pure_token("any").token("ANY").optional(),
        ]),
        oneof("order").optional().args(&[
            pure_token("asc").token("ASC"),
            pure_token("desc").token("DESC"),
        ]),
        key("key").key_spec(1).token("STORE").optional(),
        key("key").key_spec(2).token("STOREDIST").optional(),
    ],
    ..Doc::EMPTY
};

// ---- GEORADIUSBYMEMBER_RO ------------------------------------------------------

#[rustfmt::skip]
static GEORADIUSBYMEMBER_RO: Doc = Doc {
    name: "georadiusbymember_ro",
    summary: "A read-only variant for GEORADIUSBYMEMBER",
    since: "3.2.10",
    group: "geo",
    complexity: Some("O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index."),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments"),
    arity: -5,
    flags: &["readonly"],
    acl_categories: &["@read", "@geo", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member"),
        double("radius"),
        oneof("unit").args(&[
            pure_token("m").token("M"),
            pure_token("km").token("KM"),
            pure_token("ft").token("FT"),
            pure_token("mi").token("MI"),
        ]),
        pure_token("withcoord").token("WITHCOORD").optional(),
        pure_token("withdist").token("WITHDIST").optional(),
        pure_token("withhash").token("WITHHASH").optional(),
        block("count").optional().args(&[
            integer("count").token("COUNT"),
            pure_token("any").token("ANY").optional(),
        ]),
        oneof("order").optional().args(&[
            pure_token("asc").token("ASC"),
            pure_token("desc").token("DESC"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- GEOSEARCH -----------------------------------------------------------------

#[rustfmt::skip]
static GEOSEARCH: Doc = Doc {
    name: "geosearch",
    summary: "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.",
    since: "6.2.0",
    group: "geo",
    complexity: Some("O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape"),
    history: &[
        ("7.0.0", "Added support for uppercase unit names."),
    ],
    arity: -7,
    flags: &["readonly"],
    acl_categories: &["@read", "@geo", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        oneof("from").args(&[
            string("member").token("FROMMEMBER"),
            block("longitude_latitude").token("FROMLONLAT").args(&[
                double("longitude"),
                double("latitude"),
            ]),
        ]),
        oneof("by").args(&[
            block("circle").args(&[
                double("radius").token("BYRADIUS"),
                oneof("unit").args(&[
                    pure_token("m").token("M"),
                    pure_token("km").token("KM"),
                    pure_token("ft").token("FT"),
                    pure_token("mi").token("MI"),
                ]),
            ]),
            block("box").args(&[
                double("width").token("BYBOX"),
                double("height"),
                oneof("unit").args(&[
                    pure_token("m").token("M"),
                    pure_token("km").token("KM"),
                    pure_token("ft").token("FT"),
                    pure_token("mi").token("MI"),
                ]),
            ]),
        ]),
        oneof("order").optional().args(&[
            pure_token("asc").token("ASC"),
            pure_token("desc").token("DESC"),
        ]),
        block("count").optional().args(&[
            integer("count").token("COUNT"),
            pure_token("any").token("ANY").optional(),
        ]),
        pure_token("withcoord").token("WITHCOORD").optional(),
        pure_token("withdist").token("WITHDIST").optional(),
        pure_token("withhash").token("WITHHASH").optional(),
    ],
    ..Doc::EMPTY
};

// ---- GEOSEARCHSTORE ------------------------------------------------------------

#[rustfmt::skip]
static GEOSEARCHSTORE: Doc = Doc {
    name: "geosearchstore",
    summary: "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.",
    since: "6.2.0",
    group: "geo",
    complexity: Some("O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape"),
    history: &[
        ("7.0.0", "Added support for uppercase unit names."),
    ],
    arity: -8,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@geo", "@slow"],
    legacy_keys: (1, 2, 1),
    key_specs: &[
        spec(&["OW", "update"], index(1), range(0, 1, 0)),
        spec(&["RO", "access"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("destination").key_spec(0),
        key("source").key_spec(1),
        oneof("from").args(&[
            string("member").token("FROMMEMBER"),
            block("longitude_latitude").token("FROMLONLAT").args(&[
                double("longitude"),
                double("latitude"),
            ]),
        ]),
        oneof("by").args(&[
            block("circle").args(&[
                double("radius").token("BYRADIUS"),
                oneof("unit").args(&[
                    pure_token("m").token("M"),
                    pure_token("km").token("KM"),
                    pure_token("ft").token("FT"),
                    pure_token("mi").token("MI"),
                ]),
            ]),
            block("box").args(&[
                double("width").token("BYBOX"),
                double("height"),
                oneof("unit").args(&[
                    pure_token("m").token("M"),
                    pure_token("km").token("KM"),
                    pure_token("ft").token("FT"),
                    pure_token("mi").token("MI"),
                ]),
            ]),
        ]),
        oneof("order").optional().args(&[
            pure_token("asc").token("ASC"),
            pure_token("desc").token("DESC"),
        ]),
        block("count").optional().args(&[
            integer("count").token("COUNT"),
            pure_token("any").token("ANY").optional(),
        ]),
        pure_token("storedist").token("STOREDIST").optional(),
    ],
    ..Doc::EMPTY
};

// ---- GET -----------------------------------------------------------------------

#[rustfmt::skip]
static GET: Doc = Doc {
    name: "get",
    summary: "Get the value of a key",
    since: "1.0.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- GETBIT --------------------------------------------------------------------

#[rustfmt::skip]
static GETBIT: Doc = Doc {
    name: "getbit",
    summary: "Returns the bit value at offset in the string value stored at key",
    since: "2.2.0",
    group: "bitmap",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@bitmap", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("offset"),
    ],
    ..Doc::EMPTY
};

// ---- GETDEL --------------------------------------------------------------------

#[rustfmt::skip]
static GETDEL: Doc = Doc {
    name: "getdel",
    summary: "Get the value of a key and delete the key",
    since: "6.2.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["write", "fast"],
    acl_categories: &["@write", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- GETEX ---------------------------------------------------------------------

#[rustfmt::skip]
static GETEX: Doc = Doc {
    name: "getex",
    summary: "Get the value of a key and optionally set its expiration",
    since: "6.2.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: -2,
    flags: &["write", "fast"],
    acl_categories: &["@write", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)).notes("RW and UPDATE because it changes the TTL"),
    ],
    arguments: &[
        key("key").key_spec(0),
        oneof("expiration").optional().args(&[
            integer("seconds").token("EX"),
            integer("milliseconds").token("PX"),
            unix_time("unix-time-seconds").token("EXAT"),
            unix_time("unix-time-milliseconds").token("PXAT"),
            pure_token("persist").token("PERSIST"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- GETRANGE ------------------------------------------------------------------

#[rustfmt::skip]
static GETRANGE: Doc = Doc {
    name: "getrange",
    summary: "Get a substring of the string stored at a key",
    since: "2.4.0",
    group: "string",
    complexity: Some("O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings."),
    arity: 4,
    flags: &["readonly"],
    acl_categories: &["@read", "@string", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("start"),
        integer("end"),
    ],
    ..Doc::EMPTY
};

// ---- GETSET --------------------------------------------------------------------

#[rustfmt::skip]
static GETSET: Doc = Doc {
    name: "getset",
    summary: "Set the string value of a key and return its old value",
    since: "1.0.0",
    group: "string",
    complexity: Some("O(1)"),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`SET` with the `!GET` argument"),
    arity: 3,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("value"),
    ],
    ..Doc::EMPTY
};

// ---- HDEL ----------------------------------------------------------------------

#[rustfmt::skip]
static HDEL: Doc = Doc {
    name: "hdel",
    summary: "Delete one or more hash fields",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(N) where N is the number of fields to be removed."),
    history: &[
        ("2.4.0", "Accepts multiple `field` arguments."),
    ],
    arity: -3,
    flags: &["write", "fast"],
    acl_categories: &["@write", "@hash", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("field").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- HELLO ---------------------------------------------------------------------

#[rustfmt::skip]
static HELLO: Doc = Doc {
    name: "hello",
    summary: "Handshake with Redis",
    since: "6.0.0",
    group: "connection",
    complexity: Some("O(1)"),
    history: &[
        ("6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context."),
    ],
    arity: -1,
    flags: &["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    acl_categories: &["@fast", "@connection"],
    arguments: &[
        block("arguments").optional().args(&[
            integer("protover"),
            block("username_password").token("AUTH").optional().args(&[
                string("username"),
                string("password"),
            ]),
            string("clientname").token("SETNAME").optional(),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- HEXISTS -------------------------------------------------------------------

#[rustfmt::skip]
static HEXISTS: Doc = Doc {
    name: "hexists",
    summary: "Determine if a hash field exists",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@hash", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("field"),
    ],
    ..Doc::EMPTY
};

// ---- HGET ----------------------------------------------------------------------

#[rustfmt::skip]
static HGET: Doc = Doc {
    name: "hget",
    summary: "Get the value of a hash field",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@hash", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("field"),
    ],
    ..Doc::EMPTY
};

// ---- HGETALL -------------------------------------------------------------------

#[rustfmt::skip]
static HGETALL: Doc = Doc {
    name: "hgetall",
    summary: "Get all the fields and values in a hash",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(N) where N is the size of the hash."),
    arity: 2,
    flags: &["readonly"],
    acl_categories: &["@read", "@hash", "@slow"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output_order"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- HINCRBY -------------------------------------------------------------------

#[rustfmt::skip]
static HINCRBY: Doc = Doc {
    name: "hincrby",
    summary: "Increment the integer value of a hash field by the given number",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(1)"),
    arity: 4,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@hash", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("field"),
        integer("increment"),
    ],
    ..Doc::EMPTY
};

// ---- HINCRBYFLOAT --------------------------------------------------------------

#[rustfmt::skip]
static HINCRBYFLOAT: Doc = Doc {
    name: "hincrbyfloat",
    summary: "Increment the float value of a hash field by the given amount",
    since: "2.6.0",
    group: "hash",
    complexity: Some("O(1)"),
    arity: 4,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@hash", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("field"),
        double("increment"),
    ],
    ..Doc::EMPTY
};

// ---- HKEYS ---------------------------------------------------------------------

#[rustfmt::skip]
static HKEYS: Doc = Doc {
    name: "hkeys",
    summary: "Get all the fields in a hash",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(N) where N is the size of the hash."),
    arity: 2,
    flags: &["readonly"],
    acl_categories: &["@read", "@hash", "@slow"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output_order"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- HLEN ----------------------------------------------------------------------

#[rustfmt::skip]
static HLEN: Doc = Doc {
    name: "hlen",
    summary: "Get the number of fields in a hash",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@hash", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- HMGET ---------------------------------------------------------------------

#[rustfmt::skip]
static HMGET: Doc = Doc {
    name: "hmget",
    summary: "Get the values of all the given hash fields",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(N) where N is the number of fields being requested."),
    arity: -3,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@hash", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("field").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- HMSET ---------------------------------------------------------------------

#[rustfmt::skip]
static HMSET: Doc = Doc {
    name: "hmset",
    summary: "Set multiple hash fields to multiple values",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(N) where N is the number of fields being set."),
    doc_flags: &["deprecated"],
    deprecated_since: Some("4.0.0"),
    replaced_by: Some("`HSET` with multiple field-value pairs"),
    arity: -4,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@hash", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        block("field_value").multiple().args(&[
            string("field"),
            string("value"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- HRANDFIELD ----------------------------------------------------------------

#[rustfmt::skip]
static HRANDFIELD: Doc = Doc {
    name: "hrandfield",
    summary: "Get one or multiple random fields from a hash",
    since: "6.2.0",
    group: "hash",
    complexity: Some("O(N) where N is the number of fields returned"),
    arity: -2,
    flags: &["readonly"],
    acl_categories: &["@read", "@hash", "@slow"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        block("options").optional().args(&[
            integer("count"),
            pure_token("withvalues").token("WITHVALUES").optional(),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- HSCAN ---------------------------------------------------------------------

#[rustfmt::skip]
static HSCAN: Doc = Doc {
    name: "hscan",
    summary: "Incrementally iterate hash fields and associated values",
    since: "2.8.0",
    group: "hash",
    complexity: Some("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.."),
    arity: -3,
    flags: &["readonly"],
    acl_categories: &["@read", "@hash", "@slow"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("cursor"),
        pattern("pattern").token("MATCH").optional(),
        integer("count").token("COUNT").optional(),
    ],
    ..Doc::EMPTY
};

// ---- HSET ----------------------------------------------------------------------

#[rustfmt::skip]
static HSET: Doc = Doc {
    name: "hset",
    summary: "Set the string value of a hash field",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs."),
    history: &[
        ("4.0.0", "Accepts multiple `field` and `value` arguments."),
    ],
    arity: -4,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@hash", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        block("field_value").multiple().args(&[
            string("field"),
            string("value"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- HSETNX --------------------------------------------------------------------

#[rustfmt::skip]
static HSETNX: Doc = Doc {
    name: "hsetnx",
    summary: "Set the value of a hash field, only if the field does not exist",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(1)"),
    arity: 4,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@hash", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "insert"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("field"),
        string("value"),
    ],
    ..Doc::EMPTY
};

// ---- HSTRLEN -------------------------------------------------------------------

#[rustfmt::skip]
static HSTRLEN: Doc = Doc {
    name: "hstrlen",
    summary: "Get the length of the value of a hash field",
    since: "3.2.0",
    group: "hash",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@hash", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("field"),
    ],
    ..Doc::EMPTY
};

// ---- HVALS ---------------------------------------------------------------------

#[rustfmt::skip]
static HVALS: Doc = Doc {
    name: "hvals",
    summary: "Get all the values in a hash",
    since: "2.0.0",
    group: "hash",
    complexity: Some("O(N) where N is the size of the hash."),
    arity: 2,
    flags: &["readonly"],
    acl_categories: &["@read", "@hash", "@slow"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output_order"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- INCR ----------------------------------------------------------------------

#[rustfmt::skip]
static INCR: Doc = Doc {
    name: "incr",
    summary: "Increment the integer value of a key by one",
    since: "1.0.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- INCRBY --------------------------------------------------------------------

#[rustfmt::skip]
static INCRBY: Doc = Doc {
    name: "incrby",
    summary: "Increment the integer value of a key by the given amount",
    since: "1.0.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("increment"),
    ],
    ..Doc::EMPTY
};

// ---- INCRBYFLOAT ---------------------------------------------------------------

#[rustfmt::skip]
static INCRBYFLOAT: Doc = Doc {
    name: "incrbyfloat",
    summary: "Increment the float value of a key by the given amount",
    since: "2.6.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        double("increment"),
    ],
    ..Doc::EMPTY
};

// ---- INFO ----------------------------------------------------------------------

#[rustfmt::skip]
static INFO: Doc = Doc {
    name: "info",
    summary: "Get information and statistics about the server",
    since: "1.0.0",
    group: "server",
    complexity: Some("O(1)"),
    history: &[
        ("7.0.0", "Added support for taking multiple section arguments."),
    ],
    arity: -1,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@dangerous"],
    tips: &["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    arguments: &[
        string("section").optional().multiple(),
    ],
    ..Doc::EMPTY
};

// ---- KEYS ----------------------------------------------------------------------

#[rustfmt::skip]
static KEYS: Doc = Doc {
    name: "keys",
    summary: "Find all keys matching the given pattern",
    since: "1.0.0",
    group: "generic",
    complexity: Some("O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length."),
    arity: 2,
    flags: &["readonly"],
    acl_categories: &["@keyspace", "@read", "@slow", "@dangerous"],
    tips: &["request_policy:all_shards", "nondeterministic_output_order"],
    arguments: &[
        pattern("pattern"),
    ],
    ..Doc::EMPTY
};

// ---- LASTSAVE ------------------------------------------------------------------

#[rustfmt::skip]
static LASTSAVE: Doc = Doc {
    name: "lastsave",
    summary: "Get the UNIX time stamp of the last successful save to disk",
    since: "1.0.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 1,
    flags: &["loading", "stale", "fast"],
    acl_categories: &["@admin", "@fast", "@dangerous"],
    tips: &["nondeterministic_output"],
    ..Doc::EMPTY
};

// ---- LATENCY -------------------------------------------------------------------

#[rustfmt::skip]
static LATENCY_DOCTOR: Doc = Doc {
    name: "latency|doctor",
    summary: "Return a human readable latency analysis report.",
    since: "2.8.13",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    tips: &["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static LATENCY_GRAPH: Doc = Doc {
    name: "latency|graph",
    summary: "Return a latency graph for the event.",
    since: "2.8.13",
    group: "server",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    tips: &["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
    arguments: &[
        string("event"),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static LATENCY_HELP: Doc = Doc {
    name: "latency|help",
    summary: "Show helpful text about the different subcommands.",
    since: "2.8.13",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static LATENCY_HISTOGRAM: Doc = Doc {
    name: "latency|histogram",
    summary: "Return the cumulative distribution of latencies of a subset of commands or all.",
    since: "7.0.0",
    group: "server",
    complexity: Some("O(N) where N is the number of commands with latency information being retrieved."),
    arity: -2,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    tips: &["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
    arguments: &[
        string("command").optional().multiple(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static LATENCY_HISTORY: Doc = Doc {
    name: "latency|history",
    summary: "Return timestamp-latency samples for the event.",
    since: "2.8.13",
    group: "server",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    tips: &["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
    arguments: &[
        string("event"),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static LATENCY_LATEST: Doc = Doc {
    name: "latency|latest",
    summary: "Return the latest latency samples for all events.",
    since: "2.8.13",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    tips: &["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static LATENCY_RESET: Doc = Doc {
    name: "latency|reset",
    summary: "Reset latency data for one or more events.",
    since: "2.8.13",
    group: "server",
    complexity: Some("O(1)"),
    arity: -2,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
    arguments: &[
        string("event").optional().multiple(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static LATENCY: Doc = Doc {
    name: "latency",
    summary: "A container for latency diagnostics commands",
    since: "2.8.13",
    group: "server",
    complexity: Some("Depends on subcommand."),
    arity: -2,
    flags: &[],
    acl_categories: &["@slow"],
    subcommands: &[&LATENCY_DOCTOR, &LATENCY_GRAPH, &LATENCY_HELP, &LATENCY_HISTOGRAM, &LATENCY_HISTORY, &LATENCY_LATEST, &LATENCY_RESET],
    ..Doc::EMPTY
};

// ---- LCS -----------------------------------------------------------------------

#[rustfmt::skip]
static LCS: Doc = Doc {
    name: "lcs",
    summary: "Find longest common substring",
    since: "7.0.0",
    group: "string",
    complexity: Some("O(N*M) where N and M are the lengths of s1 and s2, respectively"),
    arity: -3,
    flags: &["readonly"],
    acl_categories: &["@read", "@string", "@slow"],
    legacy_keys: (1, 2, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(1, 1, 0)),
    ],
    arguments: &[
        key("key1").key_spec(0),
        key("key2").key_spec(0),
        pure_token("len").token("LEN").optional(),
        pure_token("idx").token("IDX").optional(),
        integer("len").token("MINMATCHLEN").optional(),
        pure_token("withmatchlen").token("WITHMATCHLEN").optional(),
    ],
    ..Doc::EMPTY
};

// ---- LINDEX --------------------------------------------------------------------

#[rustfmt::skip]
static LINDEX: Doc = Doc {
    name: "lindex",
    summary: "Get an element from a list by its index",
    since: "1.0.0",
    group: "list",
    complexity: Some("O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1)."),
    arity: 3,
    flags: &["readonly"],
    acl_categories: &["@read", "@list", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("index"),
    ],
    ..Doc::EMPTY
};

// ---- LINSERT -------------------------------------------------------------------

#[rustfmt::skip]
static LINSERT: Doc = Doc {
    name: "linsert",
    summary: "Insert an element before or after another element in a list",
    since: "2.2.0",
    group: "list",
    complexity: Some("O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N)."),
    arity: 5,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@list", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "insert"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        oneof("where").args(&[
            pure_token("before").token("BEFORE"),
            pure_token("after").token("AFTER"),
        ]),
        string("pivot"),
        string("element"),
    ],
    ..Doc::EMPTY
};

// ---- LLEN ----------------------------------------------------------------------

#[rustfmt::skip]
static LLEN: Doc = Doc {
    name: "llen",
    summary: "Get the length of a list",
    since: "1.0.0",
    group: "list",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@list", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- LMOVE ---------------------------------------------------------------------

#[rustfmt::skip]
static LMOVE: Doc = Doc {
    name: "lmove",
    summary: "Pop an element from a list, push it to another list and return it",
    since: "6.2.0",
    group: "list",
    complexity: Some("O(1)"),
    arity: 5,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@list", "@slow"],
    legacy_keys: (1, 2, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
        spec(&["RW", "insert"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("source").key_spec(0),
        key("destination").key_spec(1),
        oneof("wherefrom").args(&[
            pure_token("left").token("LEFT"),
            pure_token("right").token("RIGHT"),
        ]),
        oneof("whereto").args(&[
            pure_token("left").token("LEFT"),
            pure_token("right").token("RIGHT"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- LMPOP ---------------------------------------------------------------------

#[rustfmt::skip]
static LMPOP: Doc = Doc {
    name: "lmpop",
    summary: "Pop elements from a list",
    since: "7.0.0",
    group: "list",
    complexity: Some("O(N+M) where N is the number of provided keys and M is the number of elements returned."),
    arity: -4,
    flags: &["write", "movablekeys"],
    acl_categories: &["@write", "@list", "@slow"],
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), keynum(0, 1, 1)),
    ],
    arguments: &[
        integer("numkeys"),
        key("key").key_spec(0).multiple(),
        oneof("where").args(&[
            pure_token("left").token("LEFT"),
            pure_token("right").token("RIGHT"),
        ]),
        integer("count").token("COUNT").optional(),
    ],
    ..Doc::EMPTY
};

// ---- LPOP ----------------------------------------------------------------------

#[rustfmt::skip]
static LPOP: Doc = Doc {
    name: "lpop",
    summary: "Remove and get the first elements in a list",
    since: "1.0.0",
    group: "list",
    complexity: Some("O(N) where N is the number of elements returned"),
    history: &[
        ("6.2.0", "Added the `count` argument."),
    ],
    arity: -2,
    flags: &["write", "fast"],
    acl_categories: &["@write", "@list", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("count").since("6.2.0").optional(),
    ],
    ..Doc::EMPTY
};

// ---- LPOS ----------------------------------------------------------------------

#[rustfmt::skip]
static LPOS: Doc = Doc {
    name: "lpos",
    summary: "Return the index of matching elements on a list",
    since: "6.0.6",
    group: "list",
    complexity: Some("O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time."),
    arity: -3,
    flags: &["readonly"],
    acl_categories: &["@read", "@list", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("element"),
        integer("rank").token("RANK").optional(),
        integer("num-matches").token("COUNT").optional(),
        integer("len").token("MAXLEN").optional(),
    ],
    ..Doc::EMPTY
};

// ---- LPUSH ---------------------------------------------------------------------

#[rustfmt::skip]
static LPUSH: Doc = Doc {
    name: "lpush",
    summary: "Prepend one or multiple elements to a list",
    since: "1.0.0",
    group: "list",
    complexity: Some("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."),
    history: &[
        ("2.4.0", "Accepts multiple `element` arguments."),
    ],
    arity: -3,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@list", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "insert"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("element").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- LPUSHX --------------------------------------------------------------------

#[rustfmt::skip]
static LPUSHX: Doc = Doc {
    name: "lpushx",
    summary: "Prepend an element to a list, only if the list exists",
    since: "2.2.0",
    group: "list",
    complexity: Some("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."),
    history: &[
        ("4.0.0", "Accepts multiple `element` arguments."),
    ],
    arity: -3,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@list", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "insert"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("element").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- LRANGE --------------------------------------------------------------------

#[rustfmt::skip]
static LRANGE: Doc = Doc {
    name: "lrange",
    summary: "Get a range of elements from a list",
    since: "1.0.0",
    group: "list",
    complexity: Some("O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range."),
    arity: 4,
    flags: &["readonly"],
    acl_categories: &["@read", "@list", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("start"),
        integer("stop"),
    ],
    ..Doc::EMPTY
};

// ---- LREM ----------------------------------------------------------------------

#[rustfmt::skip]
static LREM: Doc = Doc {
    name: "lrem",
    summary: "Remove elements from a list",
    since: "1.0.0",
    group: "list",
    complexity: Some("O(N+M) where N is the length of the list and M is the number of elements removed."),
    arity: 4,
    flags: &["write"],
    acl_categories: &["@write", "@list", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("count"),
        string("element"),
    ],
    ..Doc::EMPTY
};

// ---- LSET ----------------------------------------------------------------------

#[rustfmt::skip]
static LSET: Doc = Doc {
    name: "lset",
    summary: "Set the value of an element in a list by its index",
    since: "1.0.0",
    group: "list",
    complexity: Some("O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1)."),
    arity: 4,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@list", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("index"),
        string("element"),
    ],
    ..Doc::EMPTY
};

// ---- LTRIM ---------------------------------------------------------------------

#[rustfmt::skip]
static LTRIM: Doc = Doc {
    name: "ltrim",
    summary: "Trim a list to the specified range",
    since: "1.0.0",
    group: "list",
    complexity: Some("O(N) where N is the number of elements to be removed by the operation."),
    arity: 4,
    flags: &["write"],
    acl_categories: &["@write", "@list", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("start"),
        integer("stop"),
    ],
    ..Doc::EMPTY
};

// ---- MEMORY --------------------------------------------------------------------

#[rustfmt::skip]
static MEMORY_DOCTOR: Doc = Doc {
    name: "memory|doctor",
    summary: "Outputs memory problems report",
    since: "4.0.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &[],
    acl_categories: &["@slow"],
    tips: &["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static MEMORY_HELP: Doc = Doc {
    name: "memory|help",
    summary: "Show helpful text about the different subcommands",
    since: "4.0.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static MEMORY_MALLOC_STATS: Doc = Doc {
    name: "memory|malloc-stats",
    summary: "Show allocator internal stats",
    since: "4.0.0",
    group: "server",
    complexity: Some("Depends on how much memory is allocated, could be slow"),
    arity: 2,
    flags: &[],
    acl_categories: &["@slow"],
    tips: &["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static MEMORY_PURGE: Doc = Doc {
    name: "memory|purge",
    summary: "Ask the allocator to release memory",
    since: "4.0.0",
    group: "server",
    complexity: Some("Depends on how much memory is allocated, could be slow"),
    arity: 2,
    flags: &[],
    acl_categories: &["@slow"],
    tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static MEMORY_STATS: Doc = Doc {
    name: "memory|stats",
    summary: "Show memory usage details",
    since: "4.0.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &[],
    acl_categories: &["@slow"],
    tips: &["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static MEMORY_USAGE: Doc = Doc {
    name: "memory|usage",
    summary: "Estimate the memory usage of a key",
    since: "4.0.0",
    group: "server",
    complexity: Some("O(N) where N is the number of samples."),
    arity: -3,
    flags: &["readonly"],
    acl_categories: &["@read", "@slow"],
    legacy_keys: (2, 2, 1),
    key_specs: &[
        spec(&["RO"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("count").token("SAMPLES").optional(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static MEMORY: Doc = Doc {
    name: "memory",
    summary: "A container for memory diagnostics commands",
    since: "4.0.0",
    group: "server",
    complexity: Some("Depends on subcommand."),
    arity: -2,
    flags: &[],
    acl_categories: &["@slow"],
    subcommands: &[&MEMORY_DOCTOR, &MEMORY_HELP, &MEMORY_MALLOC_STATS, &MEMORY_PURGE, &MEMORY_STATS, &MEMORY_USAGE],
    ..Doc::EMPTY
};

// ---- MGET ----------------------------------------------------------------------

#[rustfmt::skip]
static MGET: Doc = Doc {
    name: "mget",
    summary: "Get the values of all the given keys",
    since: "1.0.0",
    group: "string",
    complexity: Some("O(N) where N is the number of keys to retrieve."),
    arity: -2,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@string", "@fast"],
    legacy_keys: (1, -1, 1),
    tips: &["request_policy:multi_shard"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(-1, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- MONITOR -------------------------------------------------------------------

#[rustfmt::skip]
static MONITOR: Doc = Doc {
    name: "monitor",
    summary: "Listen for all requests received by the server in real time",
    since: "1.0.0",
    group: "server",
    arity: 1,
    flags: &["admin", "noscript", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    ..Doc::EMPTY
};

// ---- MOVE ----------------------------------------------------------------------

#[rustfmt::skip]
static MOVE: Doc = Doc {
    name: "move",
    summary: "Move a key to another database",
    since: "1.0.0",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["write", "fast"],
    acl_categories: &["@keyspace", "@write", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("db"),
    ],
    ..Doc::EMPTY
};

// ---- MSET ----------------------------------------------------------------------

#[rustfmt::skip]
static MSET: Doc = Doc {
    name: "mset",
    summary: "Set multiple keys to multiple values",
    since: "1.0.1",
    group: "string",
    complexity: Some("O(N) where N is the number of keys to set."),
    arity: -3,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@string", "@slow"],
    legacy_keys: (1, -1, 2),
    tips: &["request_policy:multi_shard", "response_policy:all_succeeded"],
    key_specs: &[
        spec(&["OW", "update"], index(1), range(-1, 2, 0)),
    ],
    arguments: &[
        block("key_value").multiple().args(&[
            key("key").key_spec(0),
            string("value"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- MSETNX --------------------------------------------------------------------

#[rustfmt::skip]
static MSETNX: Doc = Doc {
    name: "msetnx",
    summary: "Set multiple keys to multiple values, only if none of the keys exist",
    since: "1.0.1",
    group: "string",
    complexity: Some("O(N) where N is the number of keys to set."),
    arity: -3,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@string", "@slow"],
    legacy_keys: (1, -1, 2),
    tips: &["request_policy:multi_shard", "response_policy:agg_min"],
    key_specs: &[
        spec(&["OW", "insert"], index(1), range(-1, 2, 0)),
    ],
    arguments: &[
        block("key_value").multiple().args(&[
            key("key").key_spec(0),
            string("value"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- MULTI ---------------------------------------------------------------------

#[rustfmt::skip]
static MULTI: Doc = Doc {
    name: "multi",
    summary: "Mark the start of a transaction block",
    since: "1.2.0",
    group: "transactions",
    complexity: Some("O(1)"),
    arity: 1,
    flags: &["noscript", "loading", "stale", "fast", "allow_busy"],
    acl_categories: &["@fast", "@transaction"],
    ..Doc::EMPTY
};

// ---- OBJECT --------------------------------------------------------------------

#[rustfmt::skip]
static OBJECT_ENCODING: Doc = Doc {
    name: "object|encoding",
    summary: "Inspect the internal encoding of a Redis object",
    since: "2.2.3",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["readonly"],
    acl_categories: &["@keyspace", "@read", "@slow"],
    legacy_keys: (2, 2, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static OBJECT_FREQ: Doc = Doc {
    name: "object|freq",
    summary: "Get the logarithmic access frequency counter of a Redis object",
    since: "4.0.0",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["readonly"],
    acl_categories: &["@keyspace", "@read", "@slow"],
    legacy_keys: (2, 2, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static OBJECT_HELP: Doc = Doc {
    name: "object|help",
    summary: "Show helpful text about the different subcommands",
    since: "6.2.0",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale"],
    acl_categories: &["@keyspace", "@slow"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static OBJECT_IDLETIME: Doc = Doc {
    name: "object|idletime",
    summary: "Get the time since a Redis object was last accessed",
    since: "2.2.3",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["readonly"],
    acl_categories: &["@keyspace", "@read", "@slow"],
    legacy_keys: (2, 2, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static OBJECT_REFCOUNT: Doc = Doc {
    name: "object|refcount",
    summary: "Get the number of references to the value of the key",
    since: "2.2.3",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["readonly"],
    acl_categories: &["@keyspace", "@read", "@slow"],
    legacy_keys: (2, 2, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static OBJECT: Doc = Doc {
    name: "object",
    summary: "A container for object introspection commands",
    since: "2.2.3",
    group: "generic",
    complexity: Some("Depends on subcommand."),
    arity: -2,
    flags: &[],
    acl_categories: &["@slow"],
    subcommands: &[&OBJECT_ENCODING, &OBJECT_FREQ, &OBJECT_HELP, &OBJECT_IDLETIME, &OBJECT_REFCOUNT],
    ..Doc::EMPTY
};

// ---- PERSIST -------------------------------------------------------------------

#[rustfmt::skip]
static PERSIST: Doc = Doc {
    name: "persist",
    summary: "Remove the expiration from a key",
    since: "2.2.0",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["write", "fast"],
    acl_categories: &["@keyspace", "@write", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- PEXPIRE -------------------------------------------------------------------

#[rustfmt::skip]
static PEXPIRE: Doc = Doc {
    name: "pexpire",
    summary: "Set a key's time to live in milliseconds",
    since: "2.6.0",
    group: "generic",
    complexity: Some("O(1)"),
    history: &[
        ("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
    ],
    arity: -3,
    flags: &["write", "fast"],
    acl_categories: &["@keyspace", "@write", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("milliseconds"),
        oneof("condition").since("7.0.0").optional().args(&[
            pure_token("nx").token("NX"),
            pure_token("xx").token("XX"),
            pure_token("gt").token("GT"),
            pure_token("lt").token("LT"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- PEXPIREAT -----------------------------------------------------------------

#[rustfmt::skip]
static PEXPIREAT: Doc = Doc {
    name: "pexpireat",
    summary: "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
    since: "2.6.0",
    group: "generic",
    complexity: Some("O(1)"),
    history: &[
        ("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."),
    ],
    arity: -3,
    flags: &["write", "fast"],
    acl_categories: &["@keyspace", "@write", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        unix_time("unix-time-milliseconds"),
        oneof("condition").since("7.0.0").optional().args(&[
            pure_token("nx").token("NX"),
            pure_token("xx").token("XX"),
            pure_token("gt").token("GT"),
            pure_token("lt").token("LT"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- PEXPIRETIME ---------------------------------------------------------------

#[rustfmt::skip]
static PEXPIRETIME: Doc = Doc {
    name: "pexpiretime",
    summary: "Get the expiration Unix timestamp for a key in milliseconds",
    since: "7.0.0",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["readonly", "fast"],
    acl_categories: &["@keyspace", "@read", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- PING ----------------------------------------------------------------------

#[rustfmt::skip]
static PING: Doc = Doc {
    name: "ping",
    summary: "Ping the server",
    since: "1.0.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: -1,
    flags: &["fast"],
    acl_categories: &["@fast", "@connection"],
    tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
    arguments: &[
        string("message").optional(),
    ],
    ..Doc::EMPTY
};

// ---- PSETEX --------------------------------------------------------------------

#[rustfmt::skip]
static PSETEX: Doc = Doc {
    name: "psetex",
    summary: "Set the value and expiration in milliseconds of a key",
    since: "2.6.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: 4,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@string", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["OW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("milliseconds"),
        string("value"),
    ],
    ..Doc::EMPTY
};

// ---- PSUBSCRIBE ----------------------------------------------------------------

#[rustfmt::skip]
static PSUBSCRIBE: Doc = Doc {
    name: "psubscribe",
    summary: "Listen for messages published to channels matching the given patterns",
    since: "2.0.0",
    group: "pubsub",
    complexity: Some("O(N) where N is the number of patterns the client is already subscribed to."),
    arity: -2,
    flags: &["pubsub", "noscript", "loading", "stale"],
    acl_categories: &["@pubsub", "@slow"],
    arguments: &[
        block("pattern").multiple().args(&[
            pattern("pattern"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- PSYNC ---------------------------------------------------------------------

#[rustfmt::skip]
static PSYNC: Doc = Doc {
    name: "psync",
    summary: "Internal command used for replication",
    since: "2.8.0",
    group: "server",
    arity: -3,
    flags: &["admin", "noscript", "no_async_loading", "no_multi"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    arguments: &[
        string("replicationid"),
        integer("offset"),
    ],
    ..Doc::EMPTY
};

// ---- PTTL ----------------------------------------------------------------------

#[rustfmt::skip]
static PTTL: Doc = Doc {
    name: "pttl",
    summary: "Get the time to live for a key in milliseconds",
    since: "2.6.0",
    group: "generic",
    complexity: Some("O(1)"),
    history: &[
        ("2.8.0", "Added the -2 reply."),
    ],
    arity: 2,
    flags: &["readonly", "fast"],
    acl_categories: &["@keyspace", "@read", "@fast"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- PUBLISH -------------------------------------------------------------------

#[rustfmt::skip]
static PUBLISH: Doc = Doc {
    name: "publish",
    summary: "Post a message to a channel",
    since: "2.0.0",
    group: "pubsub",
    complexity: Some("O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client)."),
    arity: 3,
    flags: &["pubsub", "loading", "stale", "fast"],
    acl_categories: &["@pubsub", "@fast"],
    arguments: &[
        string("channel"),
        string("message"),
    ],
    ..Doc::EMPTY
};

// ---- PUBSUB --------------------------------------------------------------------

#[rustfmt::skip]
static PUBSUB_CHANNELS: Doc = Doc {
    name: "pubsub|channels",
    summary: "List active channels",
    since: "2.8.0",
    group: "pubsub",
    complexity: Some("O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)"),
    arity: -2,
    flags: &["pubsub", "loading", "stale"],
    acl_categories: &["@pubsub", "@slow"],
    arguments: &[
        pattern("pattern").optional(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static PUBSUB_HELP: Doc = Doc {
    name: "pubsub|help",
    summary: "Show helpful text about the different subcommands",
    since: "6.2.0",
    group: "pubsub",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static PUBSUB_NUMPAT: Doc = Doc {
    name: "pubsub|numpat",
    summary: "Get the count of unique patterns pattern subscriptions",
    since: "2.8.0",
    group: "pubsub",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["pubsub", "loading", "stale"],
    acl_categories: &["@pubsub", "@slow"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static PUBSUB_NUMSUB: Doc = Doc {
    name: "pubsub|numsub",
    summary: "Get the count of subscribers for channels",
    since: "2.8.0",
    group: "pubsub",
    complexity: Some("O(N) for the NUMSUB subcommand, where N is the number of requested channels"),
    arity: -2,
    flags: &["pubsub", "loading", "stale"],
    acl_categories: &["@pubsub", "@slow"],
    arguments: &[
        string("channel").optional().multiple(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static PUBSUB_SHARDCHANNELS: Doc = Doc {
    name: "pubsub|shardchannels",
    summary: "List active shard channels",
    since: "7.0.0",
    group: "pubsub",
    complexity: Some("O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels)."),
    arity: -2,
    flags: &["pubsub", "loading", "stale"],
    acl_categories: &["@pubsub", "@slow"],
    arguments: &[
        pattern("pattern").optional(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static PUBSUB_SHARDNUMSUB: Doc = Doc {
    name: "pubsub|shardnumsub",
    summary: "Get the count of subscribers for shard channels",
    since: "7.0.0",
    group: "pubsub",
    complexity: Some("O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels"),
    arity: -2,
    flags: &["pubsub", "loading", "stale"],
    acl_categories: &["@pubsub", "@slow"],
    arguments: &[
        string("shardchannel").optional().multiple(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static PUBSUB: Doc = Doc {
    name: "pubsub",
    summary: "A container for Pub/Sub commands",
    since: "2.8.0",
    group: "pubsub",
    complexity: Some("Depends on subcommand."),
    arity: -2,
    flags: &[],
    acl_categories: &["@slow"],
    subcommands: &[&PUBSUB_CHANNELS, &PUBSUB_HELP, &PUBSUB_NUMPAT, &PUBSUB_NUMSUB, &PUBSUB_SHARDCHANNELS, &PUBSUB_SHARDNUMSUB],
    ..Doc::EMPTY
};

// ---- PUNSUBSCRIBE --------------------------------------------------------------

#[rustfmt::skip]
static PUNSUBSCRIBE: Doc = Doc {
    name: "punsubscribe",
    summary: "Stop listening for messages posted to channels matching the given patterns",
    since: "2.0.0",
    group: "pubsub",
    complexity: Some("O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client)."),
    arity: -1,
    flags: &["pubsub", "noscript", "loading", "stale"],
    acl_categories: &["@pubsub", "@slow"],
    arguments: &[
        pattern("pattern").optional().multiple(),
    ],
    ..Doc::EMPTY
};

// ---- QUIT ----------------------------------------------------------------------

#[rustfmt::skip]
static QUIT: Doc = Doc {
    name: "quit",
    summary: "Close the connection",
    since: "1.0.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: -1,
    flags: &["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    acl_categories: &["@fast", "@connection"],
    ..Doc::EMPTY
};

// ---- RANDOMKEY -----------------------------------------------------------------

#[rustfmt::skip]
static RANDOMKEY: Doc = Doc {
    name: "randomkey",
    summary: "Return a random key from the keyspace",
    since: "1.0.0",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 1,
    flags: &["readonly"],
    acl_categories: &["@keyspace", "@read", "@slow"],
    tips: &["request_policy:all_shards", "nondeterministic_output"],
    ..Doc::EMPTY
};

// ---- RENAME --------------------------------------------------------------------

#[rustfmt::skip]
static RENAME: Doc = Doc {
    name: "rename",
    summary: "Rename a key",
    since: "1.0.0",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["write"],
    acl_categories: &["@keyspace", "@write", "@slow"],
    legacy_keys: (1, 2, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
        spec(&["OW", "update"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        key("newkey").key_spec(1),
    ],
    ..Doc::EMPTY
};

// ---- RENAMENX ------------------------------------------------------------------

#[rustfmt::skip]
static RENAMENX: Doc = Doc {
    name: "renamenx",
    summary: "Rename a key, only if the new key does not exist",
    since: "1.0.0",
    group: "generic",
    complexity: Some("O(1)"),
    history: &[
        ("3.2.0", "The command no longer returns an error when source and destination names are the same."),
    ],
    arity: 3,
    flags: &["write", "fast"],
    acl_categories: &["@keyspace", "@write", "@fast"],
    legacy_keys: (1, 2, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
        spec(&["OW", "insert"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        key("newkey").key_spec(1),
    ],
    ..Doc::EMPTY
};

// ---- REPLCONF ------------------------------------------------------------------

#[rustfmt::skip]
static REPLCONF: Doc = Doc {
    name: "replconf",
    summary: "An internal command for configuring the replication stream",
    since: "3.0.0",
    group: "server",
    complexity: Some("O(1)"),
    doc_flags: &["syscmd"],
    arity: -1,
    flags: &["admin", "noscript", "loading", "stale", "allow_busy"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    ..Doc::EMPTY
};

// ---- REPLICAOF -----------------------------------------------------------------

#[rustfmt::skip]
static REPLICAOF: Doc = Doc {
    name: "replicaof",
    summary: "Make the server a replica of another instance, or promote it as master.",
    since: "5.0.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["admin", "noscript", "stale", "no_async_loading"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    arguments: &[
        oneof("args").args(&[
            block("host-port").args(&[
                string("host"),
                integer("port"),
            ]),
            block("no-one").args(&[
                pure_token("no").token("NO"),
                pure_token("one").token("ONE"),
            ]),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- RESET ---------------------------------------------------------------------

#[rustfmt::skip]
static RESET: Doc = Doc {
    name: "reset",
    summary: "Reset the connection",
    since: "6.2.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 1,
    flags: &["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    acl_categories: &["@fast", "@connection"],
    ..Doc::EMPTY
};

// ---- RESTORE -------------------------------------------------------------------

#[rustfmt::skip]
static RESTORE: Doc = Doc {
    name: "restore",
    summary: "Create a key using the provided serialized value, previously obtained using DUMP.",
    since: "2.6.0",
    group: "generic",
    complexity: Some("O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N))."),
    history: &[
        ("3.0.0", "Added the `REPLACE` modifier."),
        ("5.0.0", "Added the `ABSTTL` modifier."),
        ("5.0.0", "Added the `IDLETIME` and `FREQ` options."),
    ],
    arity: -4,
    flags: &["write", "denyoom"],
    acl_categories: &["@keyspace", "@write", "@slow", "@dangerous"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["OW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("ttl"),
        string("serialized-value"),
        pure_token("replace").token("REPLACE").since("3.0.0").optional(),
        pure_token("absttl").token("ABSTTL").since("5.0.0").optional(),
        integer("seconds").token("IDLETIME").since("5.0.0").optional(),
        integer("frequency").token("FREQ").since("5.0.0").optional(),
    ],
    ..Doc::EMPTY
};

// ---- ROLE ----------------------------------------------------------------------

#[rustfmt::skip]
static ROLE: Doc = Doc {
    name: "role",
    summary: "Return the role of the instance in the context of replication",
    since: "2.8.12",
    group: "server",
    complexity: Some("O(1)"),
    arity: 1,
    flags: &["noscript", "loading", "stale", "fast"],
    acl_categories: &["@admin", "@fast", "@dangerous"],
    ..Doc::EMPTY
};

// ---- RPOP ----------------------------------------------------------------------

#[rustfmt::skip]
static RPOP: Doc = Doc {
    name: "rpop",
    summary: "Remove and get the last elements in a list",
    since: "1.0.0",
    group: "list",
    complexity: Some("O(N) where N is the number of elements returned"),
    history: &[
        ("6.2.0", "Added the `count` argument."),
    ],
    arity: -2,
    flags: &["write", "fast"],
    acl_categories: &["@write", "@list", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("count").since("6.2.0").optional(),
    ],
    ..Doc::EMPTY
};

// ---- RPOPLPUSH -----------------------------------------------------------------

#[rustfmt::skip]
static RPOPLPUSH: Doc = Doc {
    name: "rpoplpush",
    summary: "Remove the last element in a list, prepend it to another list and return it",
    since: "1.2.0",
    group: "list",
    complexity: Some("O(1)"),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`LMOVE` with the `RIGHT` and `LEFT` arguments"),
    arity: 3,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@list", "@slow"],
    legacy_keys: (1, 2, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
        spec(&["RW", "insert"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("source").key_spec(0),
        key("destination").key_spec(1),
    ],
    ..Doc::EMPTY
};

// ---- RPUSH ---------------------------------------------------------------------

#[rustfmt::skip]
static RPUSH: Doc = Doc {
    name: "rpush",
    summary: "Append one or multiple elements to a list",
    since: "1.0.0",
    group: "list",
    complexity: Some("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."),
    history: &[
        ("2.4.0", "Accepts multiple `element` arguments."),
    ],
    arity: -3,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@list", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "insert"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("element").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- RPUSHX --------------------------------------------------------------------

#[rustfmt::skip]
static RPUSHX: Doc = Doc {
    name: "rpushx",
    summary: "Append an element to a list, only if the list exists",
    since: "2.2.0",
    group: "list",
    complexity: Some("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."),
    history: &[
        ("4.0.0", "Accepts multiple `element` arguments."),
    ],
    arity: -3,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@list", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "insert"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("element").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SADD ----------------------------------------------------------------------

#[rustfmt::skip]
static SADD: Doc = Doc {
    name: "sadd",
    summary: "Add one or more members to a set",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."),
    history: &[
        ("2.4.0", "Accepts multiple `member` arguments."),
    ],
    arity: -3,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@set", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "insert"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SAVE ----------------------------------------------------------------------

#[rustfmt::skip]
static SAVE: Doc = Doc {
    name: "save",
    summary: "Synchronously save the dataset to disk",
    since: "1.0.0",
    group: "server",
    complexity: Some("O(N) where N is the total number of keys in all databases"),
    arity: 1,
    flags: &["admin", "noscript", "no_async_loading", "no_multi"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    ..Doc::EMPTY
};

// ---- SCAN ----------------------------------------------------------------------

#[rustfmt::skip]
static SCAN: Doc = Doc {
    name: "scan",
    summary: "Incrementally iterate the keys space",
    since: "2.8.0",
    group: "generic",
    complexity: Some("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection."),
    history: &[
        ("6.0.0", "Added the `TYPE` subcommand."),
    ],
    arity: -2,
    flags: &["readonly"],
    acl_categories: &["@keyspace", "@read", "@slow"],
    tips: &["nondeterministic_output", "request_policy:special"],
    arguments: &[
        integer("cursor"),
        pattern("pattern").token("MATCH").optional(),
        integer("count").token("COUNT").optional(),
        string("type").token("TYPE").since("6.0.0").optional(),
    ],
    ..Doc::EMPTY
};

// ---- SCARD ---------------------------------------------------------------------

#[rustfmt::skip]
static SCARD: Doc = Doc {
    name: "scard",
    summary: "Get the number of members in a set",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@set", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- SCRIPT --------------------------------------------------------------------

#[rustfmt::skip]
static SCRIPT_DEBUG: Doc = Doc {
    name: "script|debug",
    summary: "Set the debug mode for executed scripts.",
    since: "3.2.0",
    group: "scripting",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["noscript"],
    acl_categories: &["@slow", "@scripting"],
    arguments: &[
        oneof("mode").args(&[
            pure_token("yes").token("YES"),
            pure_token("sync").token("SYNC"),
            pure_token("no").token("NO"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static SCRIPT_EXISTS: Doc = Doc {
    name: "script|exists",
    summary: "Check existence of scripts in the script cache.",
    since: "2.6.0",
    group: "scripting",
    complexity: Some("O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation)."),
    arity: -3,
    flags: &["noscript"],
    acl_categories: &["@slow", "@scripting"],
    tips: &["request_policy:all_shards", "response_policy:agg_logical_and"],
    arguments: &[
        string("sha1").multiple(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static SCRIPT_FLUSH: Doc = Doc {
    name: "script|flush",
    summary: "Remove all the scripts from the script cache.",
    since: "2.6.0",
    group: "scripting",
    complexity: Some("O(N) with N being the number of scripts in cache"),
    history: &[
        ("6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers."),
    ],
    arity: -2,
    flags: &["noscript"],
    acl_categories: &["@slow", "@scripting"],
    tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
    arguments: &[
        oneof("async").since("6.2.0").optional().args(&[
            pure_token("async").token("ASYNC"),
            pure_token("sync").token("SYNC"),
        ]),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static SCRIPT_HELP: Doc = Doc {
    name: "script|help",
    summary: "Show helpful text about the different subcommands",
    since: "5.0.0",
    group: "scripting",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow", "@scripting"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static SCRIPT_KILL: Doc = Doc {
    name: "script|kill",
    summary: "Kill the script currently in execution.",
    since: "2.6.0",
    group: "scripting",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["noscript", "allow_busy"],
    acl_categories: &["@slow", "@scripting"],
    tips: &["request_policy:all_shards", "response_policy:one_succeeded"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static SCRIPT_LOAD: Doc = Doc {
    name: "script|load",
    summary: "Load the specified Lua script into the script cache.",
    since: "2.6.0",
    group: "scripting",
    complexity: Some("O(N) with N being the length in bytes of the script body."),
    arity: 3,
    flags: &["noscript", "stale"],
    acl_categories: &["@slow", "@scripting"],
    tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
    arguments: &[
        string("script"),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static SCRIPT: Doc = Doc {
    name: "script",
    summary: "A container for Lua scripts management commands",
    since: "2.6.0",
    group: "scripting",
    complexity: Some("Depends on subcommand."),
    arity: -2,
    flags: &[],
    acl_categories: &["@slow"],
    subcommands: &[&SCRIPT_DEBUG, &SCRIPT_EXISTS, &SCRIPT_FLUSH, &SCRIPT_HELP, &SCRIPT_KILL, &SCRIPT_LOAD],
    ..Doc::EMPTY
};

// ---- SDIFF ---------------------------------------------------------------------

#[rustfmt::skip]
static SDIFF: Doc = Doc {
    name: "sdiff",
    summary: "Subtract multiple sets",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(N) where N is the total number of elements in all given sets."),
    arity: -2,
    flags: &["readonly"],
    acl_categories: &["@read", "@set", "@slow"],
    legacy_keys: (1, -1, 1),
    tips: &["nondeterministic_output_order"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(-1, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SDIFFSTORE ----------------------------------------------------------------

#[rustfmt::skip]
static SDIFFSTORE: Doc = Doc {
    name: "sdiffstore",
    summary: "Subtract multiple sets and store the resulting set in a key",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(N) where N is the total number of elements in all given sets."),
    arity: -3,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@set", "@slow"],
    legacy_keys: (1, -1, 1),
    key_specs: &[
        spec(&["OW", "update"], index(1), range(0, 1, 0)),
        spec(&["RO", "access"], index(2), range(-1, 1, 0)),
    ],
    arguments: &[
        key("destination").key_spec(0),
        key("key").key_spec(1).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SELECT --------------------------------------------------------------------

#[rustfmt::skip]
static SELECT: Doc = Doc {
    name: "select",
    summary: "Change the selected database for the current connection",
    since: "1.0.0",
    group: "connection",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale", "fast"],
    acl_categories: &["@fast", "@connection"],
    arguments: &[
        integer("index"),
    ],
    ..Doc::EMPTY
};

// ---- SET -----------------------------------------------------------------------

#[rustfmt::skip]
static SET: Doc = Doc {
    name: "set",
    summary: "Set the string value of a key",
    since: "1.0.0",
    group: "string",
    complexity: Some("O(1)"),
    history: &[
        ("2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."),
        ("6.0.0", "Added the `KEEPTTL` option."),
        ("6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."),
        ("7.0.0", "Allowed the `NX` and `GET` options to be used together."),
    ],
    arity: -3,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@string", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update", "variable_flags"], index(1), range(0, 1, 0)).notes("RW and ACCESS due to the optional `GET` argument"),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("value"),
        oneof("condition").since("2.6.12").optional().args(&[
            pure_token("nx").token("NX"),
            pure_token("xx").token("XX"),
        ]),
        pure_token("get").token("GET").since("6.2.0").optional(),
        oneof("expiration").optional().args(&[
            integer("seconds").token("EX").since("2.6.12"),
            integer("milliseconds").token("PX").since("2.6.12"),
            unix_time("unix-time-seconds").token("EXAT").since("6.2.0"),
            unix_time("unix-time-milliseconds").token("PXAT").since("6.2.0"),
            pure_token("keepttl").token("KEEPTTL").since("6.0.0"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- SETBIT --------------------------------------------------------------------

#[rustfmt::skip]
static SETBIT: Doc = Doc {
    name: "setbit",
    summary: "Sets or clears the bit at offset in the string value stored at key",
    since: "2.2.0",
    group: "bitmap",
    complexity: Some("O(1)"),
    arity: 4,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@bitmap", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("offset"),
        integer("value"),
    ],
    ..Doc::EMPTY
};

// ---- SETEX ---------------------------------------------------------------------

#[rustfmt::skip]
static SETEX: Doc = Doc {
    name: "setex",
    summary: "Set the value and expiration of a key",
    since: "2.0.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: 4,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@string", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["OW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("seconds"),
        string("value"),
    ],
    ..Doc::EMPTY
};

// ---- SETNX ---------------------------------------------------------------------

#[rustfmt::skip]
static SETNX: Doc = Doc {
    name: "setnx",
    summary: "Set the value of a key, only if the key does not exist",
    since: "1.0.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["OW", "insert"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("value"),
    ],
    ..Doc::EMPTY
};

// ---- SETRANGE ------------------------------------------------------------------

#[rustfmt::skip]
static SETRANGE: Doc = Doc {
    name: "setrange",
    summary: "Overwrite part of a string at key starting at the specified offset",
    since: "2.2.0",
    group: "string",
    complexity: Some("O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument."),
    arity: 4,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@string", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("offset"),
        string("value"),
    ],
    ..Doc::EMPTY
};

// ---- SHUTDOWN ------------------------------------------------------------------

#[rustfmt::skip]
static SHUTDOWN: Doc = Doc {
    name: "shutdown",
    summary: "Synchronously save the dataset to disk and then shut down the server",
    since: "1.0.0",
    group: "server",
    complexity: Some("O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)"),
    history: &[
        ("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."),
    ],
    arity: -1,
    flags: &["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    arguments: &[
        oneof("nosave_save").optional().args(&[
            pure_token("nosave").token("NOSAVE"),
            pure_token("save").token("SAVE"),
        ]),
        pure_token("now").token("NOW").since("7.0.0").optional(),
        pure_token("force").token("FORCE").since("7.0.0").optional(),
        pure_token("abort").token("ABORT").since("7.0.0").optional(),
    ],
    ..Doc::EMPTY
};

// ---- SINTER --------------------------------------------------------------------

#[rustfmt::skip]
static SINTER: Doc = Doc {
    name: "sinter",
    summary: "Intersect multiple sets",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets."),
    arity: -2,
    flags: &["readonly"],
    acl_categories: &["@read", "@set", "@slow"],
    legacy_keys: (1, -1, 1),
    tips: &["nondeterministic_output_order"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(-1, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SINTERCARD ----------------------------------------------------------------

#[rustfmt::skip]
static SINTERCARD: Doc = Doc {
    name: "sintercard",
    summary: "Intersect multiple sets and return the cardinality of the result",
    since: "7.0.0",
    group: "set",
    complexity: Some("O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets."),
    arity: -3,
    flags: &["readonly", "movablekeys"],
    acl_categories: &["@read", "@set", "@slow"],
    key_specs: &[
        spec(&["RO", "access"], index(1), keynum(0, 1, 1)),
    ],
    arguments: &[
        integer("numkeys"),
        key("key").key_spec(0).multiple(),
        integer("limit").token("LIMIT").optional(),
    ],
    ..Doc::EMPTY
};

// ---- SINTERSTORE ---------------------------------------------------------------

#[rustfmt::skip]
static SINTERSTORE: Doc = Doc {
    name: "sinterstore",
    summary: "Intersect multiple sets and store the resulting set in a key",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets."),
    arity: -3,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@set", "@slow"],
    legacy_keys: (1, -1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
        spec(&["RO", "access"], index(2), range(-1, 1, 0)),
    ],
    arguments: &[
        key("destination").key_spec(0),
        key("key").key_spec(1).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SISMEMBER -----------------------------------------------------------------

#[rustfmt::skip]
static SISMEMBER: Doc = Doc {
    name: "sismember",
    summary: "Determine if a given value is a member of a set",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@set", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member"),
    ],
    ..Doc::EMPTY
};

// ---- SLAVEOF -------------------------------------------------------------------

#[rustfmt::skip]
static SLAVEOF: Doc = Doc {
    name: "slaveof",
    summary: "Make the server a replica of another instance, or promote it as master.",
    since: "1.0.0",
    group: "server",
    complexity: Some("O(1)"),
    doc_flags: &["deprecated"],
    deprecated_since: Some("5.0.0"),
    replaced_by: Some("`REPLICAOF`"),
    arity: 3,
    flags: &["admin", "noscript", "stale", "no_async_loading"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    arguments: &[
        oneof("args").args(&[
            block("host-port").args(&[
                string("host"),
                integer("port"),
            ]),
            block("no-one").args(&[
                pure_token("no").token("NO"),
                pure_token("one").token("ONE"),
            ]),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- SLOWLOG -------------------------------------------------------------------

#[rustfmt::skip]
static SLOWLOG_GET: Doc = Doc {
    name: "slowlog|get",
    summary: "Get the slow log's entries",
    since: "2.2.12",
    group: "server",
    complexity: Some("O(N) where N is the number of entries returned"),
    history: &[
        ("4.0.0", "Added client IP address, port and name to the reply."),
    ],
    arity: -2,
    flags: &["admin", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    tips: &["request_policy:all_nodes", "nondeterministic_output"],
    arguments: &[
        integer("count").optional(),
    ],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static SLOWLOG_HELP: Doc = Doc {
    name: "slowlog|help",
    summary: "Show helpful text about the different subcommands",
    since: "6.2.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["loading", "stale"],
    acl_categories: &["@slow"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static SLOWLOG_LEN: Doc = Doc {
    name: "slowlog|len",
    summary: "Get the slow log's length",
    since: "2.2.12",
    group: "server",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["admin", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    tips: &["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static SLOWLOG_RESET: Doc = Doc {
    name: "slowlog|reset",
    summary: "Clear all entries from the slow log",
    since: "2.2.12",
    group: "server",
    complexity: Some("O(N) where N is the number of entries in the slowlog"),
    arity: 2,
    flags: &["admin", "loading", "stale"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
    ..Doc::EMPTY
};

#[rustfmt::skip]
static SLOWLOG: Doc = Doc {
    name: "slowlog",
    summary: "A container for slow log commands",
    since: "2.2.12",
    group: "server",
    complexity: Some("Depends on subcommand."),
    arity: -2,
    flags: &[],
    acl_categories: &["@slow"],
    subcommands: &[&SLOWLOG_GET, &SLOWLOG_HELP, &SLOWLOG_LEN, &SLOWLOG_RESET],
    ..Doc::EMPTY
};

// ---- SMEMBERS ------------------------------------------------------------------

#[rustfmt::skip]
static SMEMBERS: Doc = Doc {
    name: "smembers",
    summary: "Get all the members in a set",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(N) where N is the set cardinality."),
    arity: 2,
    flags: &["readonly"],
    acl_categories: &["@read", "@set", "@slow"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output_order"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- SMISMEMBER ----------------------------------------------------------------

#[rustfmt::skip]
static SMISMEMBER: Doc = Doc {
    name: "smismember",
    summary: "Returns the membership associated with the given elements for a set",
    since: "6.2.0",
    group: "set",
    complexity: Some("O(N) where N is the number of elements being checked for membership"),
    arity: -3,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@set", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SMOVE ---------------------------------------------------------------------

#[rustfmt::skip]
static SMOVE: Doc = Doc {
    name: "smove",
    summary: "Move a member from one set to another",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(1)"),
    arity: 4,
    flags: &["write", "fast"],
    acl_categories: &["@write", "@set", "@fast"],
    legacy_keys: (1, 2, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
        spec(&["RW", "insert"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("source").key_spec(0),
        key("destination").key_spec(1),
        string("member"),
    ],
    ..Doc::EMPTY
};

// ---- SORT ----------------------------------------------------------------------

#[rustfmt::skip]
static SORT: Doc = Doc {
    name: "sort",
    summary: "Sort the elements in a list, set or sorted set",
    since: "1.0.0",
    group: "generic",
    complexity: Some("O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N)."),
    arity: -2,
    flags: &["write", "denyoom", "movablekeys"],
    acl_categories: &["@write", "@set", "@sortedset", "@list", "@slow", "@dangerous"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
        spec(&["RO", "access"], BeginSearch::Unknown, FindKeys::Unknown).notes("For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"),
        spec(&["OW", "update"], BeginSearch::Unknown, FindKeys::Unknown).notes("For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array"),
    ],
    arguments: &[
        key("key").key_spec(0),
        pattern("pattern").key_spec(1).token("BY").optional(),
        block("offset_count").token("LIMIT").optional().args(&[
            integer("offset"),
            integer("count"),
        ]),
        pattern("pattern").key_spec(1).token("GET").optional().multiple().multiple_token(),
        oneof("order").optional().args(&[
            pure_token("asc").token("ASC"),
            pure_token("desc").token("DESC"),
        ]),
        pure_token("sorting").token("ALPHA").optional(),
        key("destination").key_spec(2).token("STORE").optional(),
    ],
    ..Doc::EMPTY
};

// ---- SORT_RO -------------------------------------------------------------------

#[rustfmt::skip]
static SORT_RO: Doc = Doc {
    name: "sort_ro",
    summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
    since: "7.0.0",
    group: "generic",
    complexity: Some("O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N)."),
    arity: -2,
    flags: &["readonly", "movablekeys"],
    acl_categories: &["@read", "@set", "@sortedset", "@list", "@slow", "@dangerous"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
        spec(&["RO", "access"], BeginSearch::Unknown, FindKeys::Unknown).notes("For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"),
    ],
    arguments: &[
        key("key").key_spec(0),
        pattern("pattern").key_spec(1).token("BY").optional(),
        block("offset_count").token("LIMIT").optional().args(&[
            integer("offset"),
            integer("count"),
        ]),
        pattern("pattern").key_spec(1).token("GET").optional().multiple().multiple_token(),
        oneof("order").optional().args(&[
            pure_token("asc").token("ASC"),
            pure_token("desc").token("DESC"),
        ]),
        pure_token("sorting").token("ALPHA").optional(),
    ],
    ..Doc::EMPTY
};

// ---- SPOP ----------------------------------------------------------------------

#[rustfmt::skip]
static SPOP: Doc = Doc {
    name: "spop",
    summary: "Remove and return one or multiple random members from a set",
    since: "1.0.0",
    group: "set",
    complexity: Some("Without the count argument O(1), otherwise O(N) where N is the value of the passed count."),
    history: &[
        ("3.2.0", "Added the `count` argument."),
    ],
    arity: -2,
    flags: &["write", "fast"],
    acl_categories: &["@write", "@set", "@fast"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("count").since("3.2.0").optional(),
    ],
    ..Doc::EMPTY
};

// ---- SPUBLISH ------------------------------------------------------------------

#[rustfmt::skip]
static SPUBLISH: Doc = Doc {
    name: "spublish",
    summary: "Post a message to a shard channel",
    since: "7.0.0",
    group: "pubsub",
    complexity: Some("O(N) where N is the number of clients subscribed to the receiving shard channel."),
    arity: 3,
    flags: &["pubsub", "loading", "stale", "fast"],
    acl_categories: &["@pubsub", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["not_key"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        string("shardchannel"),
        string("message"),
    ],
    ..Doc::EMPTY
};

// ---- SRANDMEMBER ---------------------------------------------------------------

#[rustfmt::skip]
static SRANDMEMBER: Doc = Doc {
    name: "srandmember",
    summary: "Get one or multiple random members from a set",
    since: "1.0.0",
    group: "set",
    complexity: Some("Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count."),
    history: &[
        ("2.6.0", "Added the optional `count` argument."),
    ],
    arity: -2,
    flags: &["readonly"],
    acl_categories: &["@read", "@set", "@slow"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("count").since("2.6.0").optional(),
    ],
    ..Doc::EMPTY
};

// ---- SREM ----------------------------------------------------------------------

#[rustfmt::skip]
static SREM: Doc = Doc {
    name: "srem",
    summary: "Remove one or more members from a set",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(N) where N is the number of members to be removed."),
    history: &[
        ("2.4.0", "Accepts multiple `member` arguments."),
    ],
    arity: -3,
    flags: &["write", "fast"],
    acl_categories: &["@write", "@set", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SSCAN ---------------------------------------------------------------------

#[rustfmt::skip]
static SSCAN: Doc = Doc {
    name: "sscan",
    summary: "Incrementally iterate Set elements",
    since: "2.8.0",
    group: "set",
    complexity: Some("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.."),
    arity: -3,
    flags: &["readonly"],
    acl_categories: &["@read", "@set", "@slow"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("cursor"),
        pattern("pattern").token("MATCH").optional(),
        integer("count").token("COUNT").optional(),
    ],
    ..Doc::EMPTY
};

// ---- SSUBSCRIBE ----------------------------------------------------------------

#[rustfmt::skip]
static SSUBSCRIBE: Doc = Doc {
    name: "ssubscribe",
    summary: "Listen for messages published to the given shard channels",
    since: "7.0.0",
    group: "pubsub",
    complexity: Some("O(N) where N is the number of shard channels to subscribe to."),
    arity: -2,
    flags: &["pubsub", "noscript", "loading", "stale"],
    acl_categories: &["@pubsub", "@slow"],
    legacy_keys: (1, -1, 1),
    key_specs: &[
        spec(&["not_key"], index(1), range(-1, 1, 0)),
    ],
    arguments: &[
        string("shardchannel").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- STRLEN --------------------------------------------------------------------

#[rustfmt::skip]
static STRLEN: Doc = Doc {
    name: "strlen",
    summary: "Get the length of the value stored in a key",
    since: "2.2.0",
    group: "string",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@string", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- SUBSCRIBE -----------------------------------------------------------------

#[rustfmt::skip]
static SUBSCRIBE: Doc = Doc {
    name: "subscribe",
    summary: "Listen for messages published to the given channels",
    since: "2.0.0",
    group: "pubsub",
    complexity: Some("O(N) where N is the number of channels to subscribe to."),
    arity: -2,
    flags: &["pubsub", "noscript", "loading", "stale"],
    acl_categories: &["@pubsub", "@slow"],
    arguments: &[
        string("channel").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SUBSTR --------------------------------------------------------------------

#[rustfmt::skip]
static SUBSTR: Doc = Doc {
    name: "substr",
    summary: "Get a substring of the string stored at a key",
    since: "1.0.0",
    group: "string",
    complexity: Some("O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings."),
    doc_flags: &["deprecated"],
    deprecated_since: Some("2.0.0"),
    replaced_by: Some("`GETRANGE`"),
    arity: 4,
    flags: &["readonly"],
    acl_categories: &["@read", "@string", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("start"),
        integer("end"),
    ],
    ..Doc::EMPTY
};

// ---- SUNION --------------------------------------------------------------------

#[rustfmt::skip]
static SUNION: Doc = Doc {
    name: "sunion",
    summary: "Add multiple sets",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(N) where N is the total number of elements in all given sets."),
    arity: -2,
    flags: &["readonly"],
    acl_categories: &["@read", "@set", "@slow"],
    legacy_keys: (1, -1, 1),
    tips: &["nondeterministic_output_order"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(-1, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SUNIONSTORE ---------------------------------------------------------------

#[rustfmt::skip]
static SUNIONSTORE: Doc = Doc {
    name: "sunionstore",
    summary: "Add multiple sets and store the resulting set in a key",
    since: "1.0.0",
    group: "set",
    complexity: Some("O(N) where N is the total number of elements in all given sets."),
    arity: -3,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@set", "@slow"],
    legacy_keys: (1, -1, 1),
    key_specs: &[
        spec(&["OW", "update"], index(1), range(0, 1, 0)),
        spec(&["RO", "access"], index(2), range(-1, 1, 0)),
    ],
    arguments: &[
        key("destination").key_spec(0),
        key("key").key_spec(1).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SUNSUBSCRIBE --------------------------------------------------------------

#[rustfmt::skip]
static SUNSUBSCRIBE: Doc = Doc {
    name: "sunsubscribe",
    summary: "Stop listening for messages posted to the given shard channels",
    since: "7.0.0",
    group: "pubsub",
    complexity: Some("O(N) where N is the number of clients already subscribed to a shard channel."),
    arity: -1,
    flags: &["pubsub", "noscript", "loading", "stale"],
    acl_categories: &["@pubsub", "@slow"],
    legacy_keys: (1, -1, 1),
    key_specs: &[
        spec(&["not_key"], index(1), range(-1, 1, 0)),
    ],
    arguments: &[
        string("shardchannel").optional().multiple(),
    ],
    ..Doc::EMPTY
};

// ---- SWAPDB --------------------------------------------------------------------

#[rustfmt::skip]
static SWAPDB: Doc = Doc {
    name: "swapdb",
    summary: "Swaps two Redis databases",
    since: "4.0.0",
    group: "server",
    complexity: Some("O(N) where N is the count of clients watching or blocking on keys from both databases."),
    arity: 3,
    flags: &["write", "fast"],
    acl_categories: &["@keyspace", "@write", "@fast", "@dangerous"],
    arguments: &[
        integer("index1"),
        integer("index2"),
    ],
    ..Doc::EMPTY
};

// ---- SYNC ----------------------------------------------------------------------

#[rustfmt::skip]
static SYNC: Doc = Doc {
    name: "sync",
    summary: "Internal command used for replication",
    since: "1.0.0",
    group: "server",
    arity: 1,
    flags: &["admin", "noscript", "no_async_loading", "no_multi"],
    acl_categories: &["@admin", "@slow", "@dangerous"],
    ..Doc::EMPTY
};

// ---- TIME ----------------------------------------------------------------------

#[rustfmt::skip]
static TIME: Doc = Doc {
    name: "time",
    summary: "Return the current server time",
    since: "2.6.0",
    group: "server",
    complexity: Some("O(1)"),
    arity: 1,
    flags: &["loading", "stale", "fast"],
    acl_categories: &["@fast"],
    tips: &["nondeterministic_output"],
    ..Doc::EMPTY
};

// ---- TOUCH ---------------------------------------------------------------------

#[rustfmt::skip]
static TOUCH: Doc = Doc {
    name: "touch",
    summary: "Alters the last access time of a key(s). Returns the number of existing keys specified.",
    since: "3.2.1",
    group: "generic",
    complexity: Some("O(N) where N is the number of keys that will be touched."),
    arity: -2,
    flags: &["readonly", "fast"],
    acl_categories: &["@keyspace", "@read", "@fast"],
    legacy_keys: (1, -1, 1),
    tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
    key_specs: &[
        spec(&["RO"], index(1), range(-1, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- TTL -----------------------------------------------------------------------

#[rustfmt::skip]
static TTL: Doc = Doc {
    name: "ttl",
    summary: "Get the time to live for a key in seconds",
    since: "1.0.0",
    group: "generic",
    complexity: Some("O(1)"),
    history: &[
        ("2.8.0", "Added the -2 reply."),
    ],
    arity: 2,
    flags: &["readonly", "fast"],
    acl_categories: &["@keyspace", "@read", "@fast"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- TYPE ----------------------------------------------------------------------

#[rustfmt::skip]
static TYPE: Doc = Doc {
    name: "type",
    summary: "Determine the type stored at key",
    since: "1.0.0",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["readonly", "fast"],
    acl_categories: &["@keyspace", "@read", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- UNLINK --------------------------------------------------------------------

#[rustfmt::skip]
static UNLINK: Doc = Doc {
    name: "unlink",
    summary: "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
    since: "4.0.0",
    group: "generic",
    complexity: Some("O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of."),
    arity: -2,
    flags: &["write", "fast"],
    acl_categories: &["@keyspace", "@write", "@fast"],
    legacy_keys: (1, -1, 1),
    tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
    key_specs: &[
        spec(&["RM", "delete"], index(1), range(-1, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- UNSUBSCRIBE ---------------------------------------------------------------

#[rustfmt::skip]
static UNSUBSCRIBE: Doc = Doc {
    name: "unsubscribe",
    summary: "Stop listening for messages posted to the given channels",
    since: "2.0.0",
    group: "pubsub",
    complexity: Some("O(N) where N is the number of clients already subscribed to a channel."),
    arity: -1,
    flags: &["pubsub", "noscript", "loading", "stale"],
    acl_categories: &["@pubsub", "@slow"],
    arguments: &[
        string("channel").optional().multiple(),
    ],
    ..Doc::EMPTY
};

// ---- UNWATCH -------------------------------------------------------------------

#[rustfmt::skip]
static UNWATCH: Doc = Doc {
    name: "unwatch",
    summary: "Forget about all watched keys",
    since: "2.2.0",
    group: "transactions",
    complexity: Some("O(1)"),
    arity: 1,
    flags: &["noscript", "loading", "stale", "fast", "allow_busy"],
    acl_categories: &["@fast", "@transaction"],
    ..Doc::EMPTY
};

// ---- WAIT ----------------------------------------------------------------------

#[rustfmt::skip]
static WAIT: Doc = Doc {
    name: "wait",
    summary: "Wait for the synchronous replication of all the write commands sent in the context of the current connection",
    since: "3.0.0",
    group: "generic",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["noscript"],
    acl_categories: &["@slow", "@connection"],
    tips: &["request_policy:all_shards", "response_policy:agg_min"],
    arguments: &[
        integer("numreplicas"),
        integer("timeout"),
    ],
    ..Doc::EMPTY
};

// ---- WATCH ---------------------------------------------------------------------

#[rustfmt::skip]
static WATCH: Doc = Doc {
    name: "watch",
    summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
    since: "2.2.0",
    group: "transactions",
    complexity: Some("O(1) for every key."),
    arity: -2,
    flags: &["noscript", "loading", "stale", "fast", "allow_busy"],
    acl_categories: &["@fast", "@transaction"],
    legacy_keys: (1, -1, 1),
    key_specs: &[
        spec(&["RO"], index(1), range(-1, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- ZADD ----------------------------------------------------------------------

#[rustfmt::skip]
static ZADD: Doc = Doc {
    name: "zadd",
    summary: "Add one or more members to a sorted set, or update its score if it already exists",
    since: "1.2.0",
    group: "sorted-set",
    complexity: Some("O(log(N)) for each item added, where N is the number of elements in the sorted set."),
    history: &[
        ("2.4.0", "Accepts multiple elements."),
        ("3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."),
        ("6.2.0", "Added the `GT` and `LT` options."),
    ],
    arity: -4,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        oneof("condition").since("3.0.2").optional().args(&[
            pure_token("nx").token("NX"),
            pure_token("xx").token("XX"),
        ]),
        oneof("comparison").since("6.2.0").optional().args(&[
            pure_token("gt").token("GT"),
            pure_token("lt").token("LT"),
        ]),
        pure_token("change").token("CH").since("3.0.2").optional(),
        pure_token("increment").token("INCR").since("3.0.2").optional(),
        block("score_member").multiple().args(&[
            double("score"),
            string("member"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- ZCARD ---------------------------------------------------------------------

#[rustfmt::skip]
static ZCARD: Doc = Doc {
    name: "zcard",
    summary: "Get the number of members in a sorted set",
    since: "1.2.0",
    group: "sorted-set",
    complexity: Some("O(1)"),
    arity: 2,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
    ],
    ..Doc::EMPTY
};

// ---- ZCOUNT --------------------------------------------------------------------

#[rustfmt::skip]
static ZCOUNT: Doc = Doc {
    name: "zcount",
    summary: "Count the members in a sorted set with scores within the given values",
    since: "2.0.0",
    group: "sorted-set",
    complexity: Some("O(log(N)) with N being the number of elements in the sorted set."),
    arity: 4,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        double("min"),
        double("max"),
    ],
    ..Doc::EMPTY
};

// ---- ZDIFF ---------------------------------------------------------------------

#[rustfmt::skip]
static ZDIFF: Doc = Doc {
    name: "zdiff",
    summary: "Subtract multiple sorted sets",
    since: "6.2.0",
    group: "sorted-set",
    complexity: Some("O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set."),
    arity: -3,
    flags: &["readonly", "movablekeys"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    key_specs: &[
        spec(&["RO", "access"], index(1), keynum(0, 1, 1)),
    ],
    arguments: &[
        integer("numkeys"),
        key("key").key_spec(0).multiple(),
        pure_token("withscores").token("WITHSCORES").optional(),
    ],
    ..Doc::EMPTY
};

// ---- ZDIFFSTORE ----------------------------------------------------------------

#[rustfmt::skip]
static ZDIFFSTORE: Doc = Doc {
    name: "zdiffstore",
    summary: "Subtract multiple sorted sets and store the resulting sorted set in a new key",
    since: "6.2.0",
    group: "sorted-set",
    complexity: Some("O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set."),
    arity: -4,
    flags: &["write", "denyoom", "movablekeys"],
    acl_categories: &["@write", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["OW", "update"], index(1), range(0, 1, 0)),
        spec(&["RO", "access"], index(2), keynum(0, 1, 1)),
    ],
    arguments: &[
        key("destination").key_spec(0),
        integer("numkeys"),
        key("key").key_spec(1).multiple(),
    ],
    ..Doc::EMPTY
};

// ---- ZINCRBY -------------------------------------------------------------------

#[rustfmt::skip]
static ZINCRBY: Doc = Doc {
    name: "zincrby",
    summary: "Increment the score of a member in a sorted set",
    since: "1.2.0",
    group: "sorted-set",
    complexity: Some("O(log(N)) where N is the number of elements in the sorted set."),
    arity: 4,
    flags: &["write", "denyoom", "fast"],
    acl_categories: &["@write", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "update"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("increment"),
        string("member"),
    ],
    ..Doc::EMPTY
};

// ---- ZINTER --------------------------------------------------------------------

#[rustfmt::skip]
static ZINTER: Doc = Doc {
    name: "zinter",
    summary: "Intersect multiple sorted sets",
    since: "6.2.0",
    group: "sorted-set",
    complexity: Some("O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set."),
    arity: -3,
    flags: &["readonly", "movablekeys"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    key_specs: &[
        spec(&["RO", "access"], index(1), keynum(0, 1, 1)),
    ],
    arguments: &[
        integer("numkeys"),
        key("key").key_spec(0).multiple(),
        integer("weight").token("WEIGHTS").optional().multiple(),
        oneof("aggregate").token("AGGREGATE").optional().args(&[
            pure_token("sum").token("SUM"),
            pure_token("min").token("MIN"),
            pure_token("max").token("MAX"),
        ]),
        pure_token("withscores").token("WITHSCORES").optional(),
    ],
    ..Doc::EMPTY
};

// ---- ZINTERCARD ----------------------------------------------------------------

#[rustfmt::skip]
static ZINTERCARD: Doc = Doc {
    name: "zintercard",
    summary: "Intersect multiple sorted sets and return the cardinality of the result",
    since: "7.0.0",
    group: "sorted-set",
    complexity: Some("O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets."),
    arity: -3,
    flags: &["readonly", "movablekeys"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    key_specs: &[
        spec(&["RO", "access"], index(1), keynum(0, 1, 1)),
    ],
    arguments: &[
        integer("numkeys"),
        key("key").key_spec(0).multiple(),
        integer("limit").token("LIMIT").optional(),
    ],
    ..Doc::EMPTY
};

// ---- ZINTERSTORE ---------------------------------------------------------------

#[rustfmt::skip]
static ZINTERSTORE: Doc = Doc {
    name: "zinterstore",
    summary: "Intersect multiple sorted sets and store the resulting sorted set in a new key",
    since: "2.0.0",
    group: "sorted-set",
    complexity: Some("O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set."),
    arity: -4,
    flags: &["write", "denyoom", "movablekeys"],
    acl_categories: &["@write", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["OW", "update"], index(1), range(0, 1, 0)),
        spec(&["RO", "access"], index(2), keynum(0, 1, 1)),
    ],
    arguments: &[
        key("destination").key_spec(0),
        integer("numkeys"),
        key("key").key_spec(1).multiple(),
        integer("weight").token("WEIGHTS").optional().multiple(),
        oneof("aggregate").token("AGGREGATE").optional().args(&[
            pure_token("sum").token("SUM"),
            pure_token("min").token("MIN"),
            pure_token("max").token("MAX"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- ZLEXCOUNT -----------------------------------------------------------------

#[rustfmt::skip]
static ZLEXCOUNT: Doc = Doc {
    name: "zlexcount",
    summary: "Count the number of members in a sorted set between a given lexicographical range",
    since: "2.8.9",
    group: "sorted-set",
    complexity: Some("O(log(N)) with N being the number of elements in the sorted set."),
    arity: 4,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("min"),
        string("max"),
    ],
    ..Doc::EMPTY
};

// ---- ZMPOP ---------------------------------------------------------------------

#[rustfmt::skip]
static ZMPOP: Doc = Doc {
    name: "zmpop",
    summary: "Remove and return members with scores in a sorted set",
    since: "7.0.0",
    group: "sorted-set",
    complexity: Some("O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped."),
    arity: -4,
    flags: &["write", "movablekeys"],
    acl_categories: &["@write", "@sortedset", "@slow"],
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), keynum(0, 1, 1)),
    ],
    arguments: &[
        integer("numkeys"),
        key("key").key_spec(0).multiple(),
        oneof("where").args(&[
            pure_token("min").token("MIN"),
            pure_token("max").token("MAX"),
        ]),
        integer("count").token("COUNT").optional(),
    ],
    ..Doc::EMPTY
};

// ---- ZMSCORE -------------------------------------------------------------------

#[rustfmt::skip]
static ZMSCORE: Doc = Doc {
    name: "zmscore",
    summary: "Get the score associated with the given members in a sorted set",
    since: "6.2.0",
    group: "sorted-set",
    complexity: Some("O(N) where N is the number of members being requested."),
    arity: -3,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- ZPOPMAX -------------------------------------------------------------------

#[rustfmt::skip]
static ZPOPMAX: Doc = Doc {
    name: "zpopmax",
    summary: "Remove and return members with the highest scores in a sorted set",
    since: "5.0.0",
    group: "sorted-set",
    complexity: Some("O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped."),
    arity: -2,
    flags: &["write", "fast"],
    acl_categories: &["@write", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("count").optional(),
    ],
    ..Doc::EMPTY
};

// ---- ZPOPMIN -------------------------------------------------------------------

#[rustfmt::skip]
static ZPOPMIN: Doc = Doc {
    name: "zpopmin",
    summary: "Remove and return members with the lowest scores in a sorted set",
    since: "5.0.0",
    group: "sorted-set",
    complexity: Some("O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped."),
    arity: -2,
    flags: &["write", "fast"],
    acl_categories: &["@write", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "access", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("count").optional(),
    ],
    ..Doc::EMPTY
};

// ---- ZRANDMEMBER ---------------------------------------------------------------

#[rustfmt::skip]
static ZRANDMEMBER: Doc = Doc {
    name: "zrandmember",
    summary: "Get one or multiple random elements from a sorted set",
    since: "6.2.0",
    group: "sorted-set",
    complexity: Some("O(N) where N is the number of elements returned"),
    arity: -2,
    flags: &["readonly"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        block("options").optional().args(&[
            integer("count"),
            pure_token("withscores").token("WITHSCORES").optional(),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- ZRANGE --------------------------------------------------------------------

#[rustfmt::skip]
static ZRANGE: Doc = Doc {
    name: "zrange",
    summary: "Return a range of members in a sorted set",
    since: "1.2.0",
    group: "sorted-set",
    complexity: Some("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned."),
    history: &[
        ("6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."),
    ],
    arity: -4,
    flags: &["readonly"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("start"),
        string("stop"),
        oneof("sortby").since("6.2.0").optional().args(&[
            pure_token("byscore").token("BYSCORE"),
            pure_token("bylex").token("BYLEX"),
        ]),
        pure_token("rev").token("REV").since("6.2.0").optional(),
        block("offset_count").token("LIMIT").since("6.2.0").optional().args(&[
            integer("offset"),
            integer("count"),
        ]),
        pure_token("withscores").token("WITHSCORES").optional(),
    ],
    ..Doc::EMPTY
};

// ---- ZRANGEBYLEX ---------------------------------------------------------------

#[rustfmt::skip]
static ZRANGEBYLEX: Doc = Doc {
    name: "zrangebylex",
    summary: "Return a range of members in a sorted set, by lexicographical range",
    since: "2.8.9",
    group: "sorted-set",
    complexity: Some("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N))."),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`ZRANGE` with the `BYLEX` argument"),
    arity: -4,
    flags: &["readonly"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("min"),
        string("max"),
        block("offset_count").token("LIMIT").optional().args(&[
            integer("offset"),
            integer("count"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- ZRANGEBYSCORE -------------------------------------------------------------

#[rustfmt::skip]
static ZRANGEBYSCORE: Doc = Doc {
    name: "zrangebyscore",
    summary: "Return a range of members in a sorted set, by score",
    since: "1.0.5",
    group: "sorted-set",
    complexity: Some("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N))."),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`ZRANGE` with the `BYSCORE` argument"),
    history: &[
        ("2.0.0", "Added the `WITHSCORES` modifier."),
    ],
    arity: -4,
    flags: &["readonly"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        double("min"),
        double("max"),
        pure_token("withscores").token("WITHSCORES").since("2.0.0").optional(),
        block("offset_count").token("LIMIT").optional().args(&[
            integer("offset"),
            integer("count"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- ZRANGESTORE ---------------------------------------------------------------

#[rustfmt::skip]
static ZRANGESTORE: Doc = Doc {
    name: "zrangestore",
    summary: "Store a range of members from sorted set into another key",
    since: "6.2.0",
    group: "sorted-set",
    complexity: Some("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key."),
    arity: -5,
    flags: &["write", "denyoom"],
    acl_categories: &["@write", "@sortedset", "@slow"],
    legacy_keys: (1, 2, 1),
    key_specs: &[
        spec(&["OW", "update"], index(1), range(0, 1, 0)),
        spec(&["RO", "access"], index(2), range(0, 1, 0)),
    ],
    arguments: &[
        key("dst").key_spec(0),
        key("src").key_spec(1),
        string("min"),
        string("max"),
        oneof("sortby").optional().args(&[
            pure_token("byscore").token("BYSCORE"),
            pure_token("bylex").token("BYLEX"),
        ]),
        pure_token("rev").token("REV").optional(),
        block("offset_count").token("LIMIT").optional().args(&[
            integer("offset"),
            integer("count"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- ZRANK ---------------------------------------------------------------------

#[rustfmt::skip]
static ZRANK: Doc = Doc {
    name: "zrank",
    summary: "Determine the index of a member in a sorted set",
    since: "2.0.0",
    group: "sorted-set",
    complexity: Some("O(log(N))"),
    arity: 3,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member"),
    ],
    ..Doc::EMPTY
};

// ---- ZREM ----------------------------------------------------------------------

#[rustfmt::skip]
static ZREM: Doc = Doc {
    name: "zrem",
    summary: "Remove one or more members from a sorted set",
    since: "1.2.0",
    group: "sorted-set",
    complexity: Some("O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed."),
    history: &[
        ("2.4.0", "Accepts multiple elements."),
    ],
    arity: -3,
    flags: &["write", "fast"],
    acl_categories: &["@write", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member").multiple(),
    ],
    ..Doc::EMPTY
};

// ---- ZREMRANGEBYLEX ------------------------------------------------------------

#[rustfmt::skip]
static ZREMRANGEBYLEX: Doc = Doc {
    name: "zremrangebylex",
    summary: "Remove all members in a sorted set between the given lexicographical range",
    since: "2.8.9",
    group: "sorted-set",
    complexity: Some("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation."),
    arity: 4,
    flags: &["write"],
    acl_categories: &["@write", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("min"),
        string("max"),
    ],
    ..Doc::EMPTY
};

// ---- ZREMRANGEBYRANK -----------------------------------------------------------

#[rustfmt::skip]
static ZREMRANGEBYRANK: Doc = Doc {
    name: "zremrangebyrank",
    summary: "Remove all members in a sorted set within the given indexes",
    since: "2.0.0",
    group: "sorted-set",
    complexity: Some("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation."),
    arity: 4,
    flags: &["write"],
    acl_categories: &["@write", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("start"),
        integer("stop"),
    ],
    ..Doc::EMPTY
};

// ---- ZREMRANGEBYSCORE ----------------------------------------------------------

#[rustfmt::skip]
static ZREMRANGEBYSCORE: Doc = Doc {
    name: "zremrangebyscore",
    summary: "Remove all members in a sorted set within the given scores",
    since: "1.2.0",
    group: "sorted-set",
    complexity: Some("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation."),
    arity: 4,
    flags: &["write"],
    acl_categories: &["@write", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RW", "delete"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        double("min"),
        double("max"),
    ],
    ..Doc::EMPTY
};

// ---- ZREVRANGE -----------------------------------------------------------------

#[rustfmt::skip]
static ZREVRANGE: Doc = Doc {
    name: "zrevrange",
    summary: "Return a range of members in a sorted set, by index, with scores ordered from high to low",
    since: "1.2.0",
    group: "sorted-set",
    complexity: Some("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned."),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`ZRANGE` with the `REV` argument"),
    arity: -4,
    flags: &["readonly"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("start"),
        integer("stop"),
        pure_token("withscores").token("WITHSCORES").optional(),
    ],
    ..Doc::EMPTY
};

// ---- ZREVRANGEBYLEX ------------------------------------------------------------

#[rustfmt::skip]
static ZREVRANGEBYLEX: Doc = Doc {
    name: "zrevrangebylex",
    summary: "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.",
    since: "2.8.9",
    group: "sorted-set",
    complexity: Some("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N))."),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`ZRANGE` with the `REV` and `BYLEX` arguments"),
    arity: -4,
    flags: &["readonly"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("max"),
        string("min"),
        block("offset_count").token("LIMIT").optional().args(&[
            integer("offset"),
            integer("count"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- ZREVRANGEBYSCORE ----------------------------------------------------------

#[rustfmt::skip]
static ZREVRANGEBYSCORE: Doc = Doc {
    name: "zrevrangebyscore",
    summary: "Return a range of members in a sorted set, by score, with scores ordered from high to low",
    since: "2.2.0",
    group: "sorted-set",
    complexity: Some("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N))."),
    doc_flags: &["deprecated"],
    deprecated_since: Some("6.2.0"),
    replaced_by: Some("`ZRANGE` with the `REV` and `BYSCORE` arguments"),
    history: &[
        ("2.1.6", "`min` and `max` can be exclusive."),
    ],
    arity: -4,
    flags: &["readonly"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        double("max"),
        double("min"),
        pure_token("withscores").token("WITHSCORES").optional(),
        block("offset_count").token("LIMIT").optional().args(&[
            integer("offset"),
            integer("count"),
        ]),
    ],
    ..Doc::EMPTY
};

// ---- ZREVRANK ------------------------------------------------------------------

#[rustfmt::skip]
static ZREVRANK: Doc = Doc {
    name: "zrevrank",
    summary: "Determine the index of a member in a sorted set, with scores ordered from high to low",
    since: "2.0.0",
    group: "sorted-set",
    complexity: Some("O(log(N))"),
    arity: 3,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member"),
    ],
    ..Doc::EMPTY
};

// ---- ZSCAN ---------------------------------------------------------------------

#[rustfmt::skip]
static ZSCAN: Doc = Doc {
    name: "zscan",
    summary: "Incrementally iterate sorted sets elements and associated scores",
    since: "2.8.0",
    group: "sorted-set",
    complexity: Some("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.."),
    arity: -3,
    flags: &["readonly"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    tips: &["nondeterministic_output"],
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        integer("cursor"),
        pattern("pattern").token("MATCH").optional(),
        integer("count").token("COUNT").optional(),
    ],
    ..Doc::EMPTY
};

// ---- ZSCORE --------------------------------------------------------------------

#[rustfmt::skip]
static ZSCORE: Doc = Doc {
    name: "zscore",
    summary: "Get the score associated with the given member in a sorted set",
    since: "1.2.0",
    group: "sorted-set",
    complexity: Some("O(1)"),
    arity: 3,
    flags: &["readonly", "fast"],
    acl_categories: &["@read", "@sortedset", "@fast"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["RO", "access"], index(1), range(0, 1, 0)),
    ],
    arguments: &[
        key("key").key_spec(0),
        string("member"),
    ],
    ..Doc::EMPTY
};

// ---- ZUNION --------------------------------------------------------------------

#[rustfmt::skip]
static ZUNION: Doc = Doc {
    name: "zunion",
    summary: "Add multiple sorted sets",
    since: "6.2.0",
    group: "sorted-set",
    complexity: Some("O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set."),
    arity: -3,
    flags: &["readonly", "movablekeys"],
    acl_categories: &["@read", "@sortedset", "@slow"],
    key_specs: &[
        spec(&["RO", "access"], index(1), keynum(0, 1, 1)),
    ],
    arguments: &[
        integer("numkeys"),
        key("key").key_spec(0).multiple(),
        integer("weight").token("WEIGHTS").optional().multiple(),
        oneof("aggregate").token("AGGREGATE").optional().args(&[
            pure_token("sum").token("SUM"),
            pure_token("min").token("MIN"),
            pure_token("max").token("MAX"),
        ]),
        pure_token("withscores").token("WITHSCORES").optional(),
    ],
    ..Doc::EMPTY
};

// ---- ZUNIONSTORE ---------------------------------------------------------------

#[rustfmt::skip]
static ZUNIONSTORE: Doc = Doc {
    name: "zunionstore",
    summary: "Add multiple sorted sets and store the resulting sorted set in a new key",
    since: "2.0.0",
    group: "sorted-set",
    complexity: Some("O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set."),
    arity: -4,
    flags: &["write", "denyoom", "movablekeys"],
    acl_categories: &["@write", "@sortedset", "@slow"],
    legacy_keys: (1, 1, 1),
    key_specs: &[
        spec(&["OW", "update"], index(1), range(0, 1, 0)),
        spec(&["RO", "access"], index(2), keynum(0, 1, 1)),
    ],
    arguments: &[
        key("destination").key_spec(0),
        integer("numkeys"),
        key("key").key_spec(1).multiple(),
        integer("weight").token("WEIGHTS").optional().multiple(),
        oneof("aggregate").token("AGGREGATE").optional().args(&[
            pure_token("sum").token("SUM"),
            pure_token("min").token("MIN"),
            pure_token("max").token("MAX"),
        ]),
    ],
    ..Doc::EMPTY
};

/// Every top-level command, sorted by name for binary search.
#[rustfmt::skip]
static COMMANDS: &[&Doc] = &[
    &APPEND,
    &AUTH,
    &BGREWRITEAOF,
    &BGSAVE,
    &BITCOUNT,
    &BITFIELD,
    &BITFIELD_RO,
    &BITOP,
    &BITPOS,
    &BLMOVE,
    &BLMPOP,
    &BLPOP,
    &BRPOP,
    &BRPOPLPUSH,
    &BZMPOP,
    &BZPOPMAX,
    &BZPOPMIN,
    &CLIENT,
    &COMMAND,
    &CONFIG,
    &COPY,
    &DBSIZE,
    &DEBUG,
    &DECR,
    &DECRBY,
    &DEL,
    &DISCARD,
    &DUMP,
    &ECHO,
    &EVAL,
    &EVAL_RO,
    &EVALSHA,
    &EVALSHA_RO,
    &EXEC,
    &EXISTS,
    &EXPIRE,
    &EXPIREAT,
    &EXPIRETIME,
    &FAILOVER,
    &FCALL,
    &FCALL_RO,
    &FLUSHALL,
    &FLUSHDB,
    &FUNCTION,
    &GEOADD,
    &GEODIST,
    &GEOHASH,
    &GEOPOS,
    &GEORADIUS,
    &GEORADIUS_RO,
    &GEORADIUSBYMEMBER,
    &GEORADIUSBYMEMBER_RO,
    &GEOSEARCH,
    &GEOSEARCHSTORE,
    &GET,
    &GETBIT,
    &GETDEL,
    &GETEX,
    &GETRANGE,
    &GETSET,
    &HDEL,
    &HELLO,
    &HEXISTS,
    &HGET,
    &HGETALL,
    &HINCRBY,
    &HINCRBYFLOAT,
    &HKEYS,
    &HLEN,
    &HMGET,
    &HMSET,
    &HRANDFIELD,
    &HSCAN,
    &HSET,
    &HSETNX,
    &HSTRLEN,
    &HVALS,
    &INCR,
    &INCRBY,
    &INCRBYFLOAT,
    &INFO,
    &KEYS,
    &LASTSAVE,
    &LATENCY,
    &LCS,
    &LINDEX,
    &LINSERT,
    &LLEN,
    &LMOVE,
    &LMPOP,
    &LPOP,
    &LPOS,
    &LPUSH,
    &LPUSHX,
    &LRANGE,
    &LREM,
    &LSET,
    &LTRIM,
    &MEMORY,
    &MGET,
    &MONITOR,
    &MOVE,
    &MSET,
    &MSETNX,
    &MULTI,
    &OBJECT,
    &PERSIST,
    &PEXPIRE,
    &PEXPIREAT,
    &PEXPIRETIME,
    &PING,
    &PSETEX,
    &PSUBSCRIBE,
    &PSYNC,
    &PTTL,
    &PUBLISH,
    &PUBSUB,
    &PUNSUBSCRIBE,
    &QUIT,
    &RANDOMKEY,
    &RENAME,
    &RENAMENX,
    &REPLCONF,
    &REPLICAOF,
    &RESET,
    &RESTORE,
    &ROLE,
    &RPOP,
    &RPOPLPUSH,
    &RPUSH,
    &RPUSHX,
    &SADD,
    &SAVE,
    &SCAN,
    &SCARD,
    &SCRIPT,
    &SDIFF,
    &SDIFFSTORE,
    &SELECT,
    &SET,
    &SETBIT,
    &SETEX,
    &SETNX,
    &SETRANGE,
    &SHUTDOWN,
    &SINTER,
    &SINTERCARD,
    &SINTERSTORE,
    &SISMEMBER,
    &SLAVEOF,
    &SLOWLOG,
    &SMEMBERS,
    &SMISMEMBER,
    &SMOVE,
    &SORT,
    &SORT_RO,
    &SPOP,
    &SPUBLISH,
    &SRANDMEMBER,
    &SREM,
    &SSCAN,
    &SSUBSCRIBE,
    &STRLEN,
    &SUBSCRIBE,
    &SUBSTR,
    &SUNION,
    &SUNIONSTORE,
    &SUNSUBSCRIBE,
    &SWAPDB,
    &SYNC,
    &TIME,
    &TOUCH,
    &TTL,
    &TYPE,
    &UNLINK,
    &UNSUBSCRIBE,
    &UNWATCH,
    &WAIT,
    &WATCH,
    &ZADD,
    &ZCARD,
    &ZCOUNT,
    &ZDIFF,
    &ZDIFFSTORE,
    &ZINCRBY,
    &ZINTER,
    &ZINTERCARD,
    &ZINTERSTORE,
    &ZLEXCOUNT,
    &ZMPOP,
    &ZMSCORE,
    &ZPOPMAX,
    &ZPOPMIN,
    &ZRANDMEMBER,
    &ZRANGE,
    &ZRANGEBYLEX,
    &ZRANGEBYSCORE,
    &ZRANGESTORE,
    &ZRANK,
    &ZREM,
    &ZREMRANGEBYLEX,
    &ZREMRANGEBYRANK,
    &ZREMRANGEBYSCORE,
    &ZREVRANGE,
    &ZREVRANGEBYLEX,
    &ZREVRANGEBYSCORE,
    &ZREVRANK,
    &ZSCAN,
    &ZSCORE,
    &ZUNION,
    &ZUNIONSTORE,
];
