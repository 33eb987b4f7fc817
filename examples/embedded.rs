//! Embedding loopkv: start the server on a free port on its own thread,
//! talk to it over plain RESP, and shut it down.
//!
//! Run with `cargo run --example embedded`.

use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let mut config = loopkv::Config::default();
    config.apply(b"port", &[b"0".to_vec()]).expect("valid port");
    config.apply(b"bind", &[b"127.0.0.1".to_vec()]).expect("valid bind");
    let server = loopkv::Server::bind(config)?;
    let addr = server.local_addr();
    let handle = server.spawn()?;
    println!("loopkv listening on {addr}");

    let mut conn = TcpStream::connect(addr)?;
    conn.write_all(b"*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$5\r\nworld\r\n*2\r\n$3\r\nGET\r\n$5\r\nhello\r\n")?;
    let mut reply = Vec::new();
    let mut buf = [0u8; 64];
    while !reply.ends_with(b"world\r\n") {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&buf[..n]);
    }
    println!("replies: {:?}", String::from_utf8_lossy(&reply));

    handle.shutdown()?;
    println!("stopped");
    Ok(())
}
