//! Back-pressure and fairness: a client that sends requests faster than it
//! reads replies stops being served once its pending output passes the
//! high-water mark (so the server's memory stays bounded), the other
//! clients are served meanwhile, and when it reads again every reply
//! arrives, in order, none lost.

mod common;

use common::{Conn, encode, start};

/// CLIENT LIST field `name` of the client whose line contains `marker`.
fn client_field(list: &[u8], marker: &str, name: &str) -> Option<u64> {
    let text = String::from_utf8_lossy(list);
    let line = text.lines().find(|l| l.contains(marker))?;
    let key = format!(" {name}=");
    let rest = &line[line.find(&key)? + key.len()..];
    rest.split(' ').next()?.parse().ok()
}

#[test]
fn slow_reader_is_paused_and_loses_nothing() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let value = vec![b'v'; 1024 * 1024];
    admin.check(&[&b"SET"[..], b"big", &value], b"+OK\r\n");

    let mut slow = Conn::connect(addr);
    slow.check(&["CLIENT", "SETNAME", "slowreader"], b"+OK\r\n");
    // 64 MB of replies requested at once; the client reads nothing yet.
    const GETS: usize = 64;
    let mut request = Vec::new();
    for _ in 0..GETS {
        request.extend_from_slice(&encode(&["GET", "big"]));
    }
    slow.send_raw(&request);

    // The server stops executing the slow client's commands with only a few
    // MB pending: its output memory stays small while commands wait unparsed.
    let mut omem = u64::MAX;
    common::eventually("the slow client is paused with commands left in its buffer", || {
        let list = admin.call(&["CLIENT", "LIST"]);
        let qbuf = client_field(&list, "name=slowreader", "qbuf").unwrap_or(0);
        omem = client_field(&list, "name=slowreader", "omem").unwrap_or(u64::MAX);
        qbuf > 0 && omem < 16 * 1024 * 1024
    });
    assert!(omem < 16 * 1024 * 1024, "pending output {omem} bytes");
    // Other clients are served meanwhile.
    admin.check(&["PING"], b"+PONG\r\n");
    admin.check(&["SET", "other", "1"], b"+OK\r\n");

    // Reading resumes the client; every reply arrives in order.
    let mut expected_one = format!("${}\r\n", value.len()).into_bytes();
    expected_one.extend_from_slice(&value);
    expected_one.extend_from_slice(b"\r\n");
    for i in 0..GETS {
        let got = slow.read_replies(1);
        assert!(got == expected_one, "reply {i} differs ({} bytes)", got.len());
    }
    slow.check(&["PING"], b"+PONG\r\n");
}

#[test]
fn a_client_flooding_pipelined_commands_does_not_starve_others() {
    let (_h, addr) = start();
    let mut flood = Conn::connect(addr);
    let mut other = Conn::connect(addr);
    let mut request = Vec::new();
    for i in 0..50_000 {
        request.extend_from_slice(&encode(&["SET", &format!("k{}", i % 100), "v"]));
    }
    let writer = std::thread::spawn(move || {
        flood.send_raw(&request);
        let replies = flood.read_replies(50_000);
        assert_eq!(replies.len(), 50_000 * 5);
        flood
    });
    for _ in 0..100 {
        other.check(&["PING"], b"+PONG\r\n");
    }
    let mut flood = writer.join().unwrap();
    flood.check(&["DBSIZE"], b":100\r\n");
}

/// A client that sends a command and closes its side in the same moment
/// gets its reply and its connection is closed: no CLOSE-WAIT leak.
#[test]
fn half_closed_clients_are_closed_after_their_reply() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut streams = Vec::new();
    for _ in 0..50 {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        use std::io::Write;
        s.write_all(b"PING\r\n").unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        streams.push(s);
    }
    for mut s in streams {
        use std::io::Read;
        let mut got = Vec::new();
        s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        s.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"+PONG\r\n");
    }
    common::eventually("every half-closed client is gone", || {
        let list = admin.call(&["CLIENT", "LIST"]);
        String::from_utf8_lossy(&list).matches("id=").count() == 1
    });
}

/// `timeout` counts bytes received as activity: a client sending a large
/// request slowly is not closed as idle.
#[test]
fn slow_sender_is_not_idle() {
    let (_h, addr) = common::start_with(&[("timeout", "1")]);
    let mut c = Conn::connect(addr);
    c.send_raw(b"*3\r\n$3\r\nSET\r\n$2\r\ndr\r\n$6\r\n");
    for byte in b"abcdef" {
        std::thread::sleep(std::time::Duration::from_millis(400));
        c.send_raw(&[*byte]);
    }
    c.send_raw(b"\r\n");
    assert_eq!(c.read_replies(1), b"+OK\r\n");
    c.check(&["GET", "dr"], b"$6\r\nabcdef\r\n");
}

/// CONFIG SET proto-max-bulk-len applies to clients already connected.
#[test]
fn proto_max_bulk_len_applies_to_connected_clients() {
    let (_h, addr) = start();
    let mut a = Conn::connect(addr);
    let mut b = Conn::connect(addr);
    a.check(&["CONFIG", "SET", "proto-max-bulk-len", "1mb"], b"+OK\r\n");
    // Only the header: the bulk length alone is refused, and the server
    // closes the connection after the error (sending the payload too would
    // race with that close).
    b.send_raw(b"*3\r\n$3\r\nSET\r\n$2\r\npm\r\n$2097152\r\n");
    assert_eq!(b.read_replies(1), b"-ERR Protocol error: invalid bulk length\r\n");
    let big = vec![b'x'; 2 * 1024 * 1024];
    a.check(&["CONFIG", "SET", "proto-max-bulk-len", "512mb"], b"+OK\r\n");
    a.check(&[&b"SET"[..], b"pm", &big], b"+OK\r\n");
}
