//! The List value type: storage and encodings (to be filled in by the
//! collections work, issue 3).

/// A List value.
#[derive(Debug, Clone, Default)]
pub struct List {
    len: usize,
}

impl List {
    pub fn new() -> List {
        List::default()
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
