//! The Hash value type: storage and encodings (to be filled in by the
//! collections work, issue 3).

/// A Hash value.
#[derive(Debug, Clone, Default)]
pub struct Hash {
    len: usize,
}

impl Hash {
    pub fn new() -> Hash {
        Hash::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// OBJECT ENCODING's name.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }

    /// Approximate heap bytes.
    pub fn mem_usage(&self) -> usize {
        0
    }
}
