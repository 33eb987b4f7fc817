//! Where a volatile key's TTL lives: a block of [`TTL_LEN`] bytes at the
//! end of its node's data (after the value), holding the deadline, the
//! expiry timer and the key's place in its database's list of volatile
//! handles, which the `volatile-*` eviction policies sample uniformly.
//!
//! Keeping the TTL in the node, rather than in a table by handle, costs
//! 20 bytes a volatile key plus 4 in the list, and nothing ever has to
//! grow all at once (a hash table of TTLs doubles, and rehashes every
//! entry, in one step). The block goes at the end so that adding or
//! removing a TTL appends or truncates, never moves the value.

use super::dict::{NODE_TTL, Node, TTL_LEN};
use crate::expiry::TimerId;

/// A volatile key's TTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ttl {
    /// Deadline, ms since the epoch.
    pub at: u64,
    /// Its timer in the database's wheel.
    pub timer: TimerId,
    /// Its place in the database's volatile list.
    pub slot: u32,
}

impl Ttl {
    /// The TTL of `node`, if it has one.
    pub fn read(node: &Node) -> Option<Ttl> {
        if node.meta & NODE_TTL == 0 {
            return None;
        }
        let data = &node.data[node.data.len() - TTL_LEN..];
        let word = |at: usize, n: usize| {
            let mut raw = [0u8; 8];
            raw[..n].copy_from_slice(&data[at..at + n]);
            u64::from_le_bytes(raw)
        };
        Some(Ttl {
            at: word(0, 8),
            timer: TimerId::from_bits(word(8, 8)),
            slot: word(16, 4) as u32,
        })
    }

    fn bytes(&self) -> [u8; TTL_LEN] {
        let mut out = [0u8; TTL_LEN];
        out[..8].copy_from_slice(&self.at.to_le_bytes());
        out[8..16].copy_from_slice(&self.timer.to_bits().to_le_bytes());
        out[16..].copy_from_slice(&self.slot.to_le_bytes());
        out
    }

    /// Gives `node` this TTL, replacing the one it has.
    pub fn write(&self, node: &mut Node) {
        if node.meta & NODE_TTL != 0 {
            let len = node.data.len();
            node.data[len - TTL_LEN..].copy_from_slice(&self.bytes());
        } else {
            node.data.extend_from_slice(&self.bytes());
            node.meta |= NODE_TTL;
        }
    }

    /// Removes `node`'s TTL, returning it.
    pub fn take(node: &mut Node) -> Option<Ttl> {
        let ttl = Ttl::read(node)?;
        node.data.truncate(node.data.len() - TTL_LEN);
        node.meta &= !NODE_TTL;
        Some(ttl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ttl_is_added_changed_and_removed_without_touching_the_value() {
        let mut node = Node {
            next: 0,
            meta: 0,
            data: super::super::dict::encode(b"key", b"value"),
        };
        assert_eq!(Ttl::read(&node), None);
        let ttl = Ttl {
            at: 1_700_000_000_123,
            timer: TimerId::from_bits(0x1234_5678_9abc_def0),
            slot: 77,
        };
        ttl.write(&mut node);
        assert_eq!((node.key(), node.value()), (&b"key"[..], &b"value"[..]));
        assert_eq!(Ttl::read(&node), Some(ttl));
        let later = Ttl { at: 5, ..ttl };
        later.write(&mut node);
        assert_eq!(node.data.len(), 1 + 3 + 5 + TTL_LEN);
        assert_eq!(Ttl::take(&mut node), Some(later));
        assert_eq!((node.meta, node.value()), (0, &b"value"[..]));
    }
}
