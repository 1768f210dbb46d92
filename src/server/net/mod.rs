//! The network: the accept loop, each connection's deadlines and shedding, the HTTP/1.1
//! event-stream path written past hyper, and TLS.
//!
//! It imports nothing of the rest of the server. It is handed a service (the router) and
//! what it must know of it ([`Settings`]: TLS, the header deadline, the event stream's
//! path), and gives requests two extensions: the peer's address (`ConnectInfo`) and
//! [`OverTls`].

/// The accept loop and the listening socket.
mod accept;
/// One connection: TLS handshake, HTTP/1.1 or HTTP/2, its deadlines.
mod connection;
/// Event streams over HTTP/1.1, written by us rather than by hyper.
mod h1_stream;
/// Bytes already read, given back before the rest of a connection.
mod rewind;
/// The certificate and key, offered with ALPN.
mod tls;
/// Connections that have not sent a request yet, first to go when descriptors run short.
mod waiting;

pub use accept::{Open, listen, serve};
pub use connection::{OverTls, Settings};
pub use tls::load as load_tls;
