//! README's list of supported commands is generated from the command table;
//! this test fails when they drift. `UPDATE_README=1 cargo test --test
//! readme` rewrites the list.

const START: &str = "<!-- commands:start -->\n";
const END: &str = "<!-- commands:end -->";

#[test]
fn readme_lists_the_command_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let start = readme.find(START).expect("commands:start marker") + START.len();
    let end = readme.find(END).expect("commands:end marker");
    let generated = loopkv::command::table::markdown_list();
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{}{}", &readme[..start], generated, &readme[end..]);
        std::fs::write(path, updated).expect("write README.md");
        return;
    }
    assert_eq!(
        &readme[start..end],
        generated,
        "README's command list is out of date: run UPDATE_README=1 cargo test --test readme"
    );
}
