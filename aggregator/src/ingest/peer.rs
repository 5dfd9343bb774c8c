//! Who is on the other end of the TLS connection: the unit named in the client certificate
//! (its SAN URI), read once per connection in actix's `on_connect` and handed to the handlers
//! as connection data. rustls has already verified the certificate against the national root
//! and the CRLs, so only the name is read here.

use std::any::Any;

use actix_tls::accept::rustls_0_23::TlsStream;
use actix_web::dev::Extensions;
use actix_web::rt::net::TcpStream;
use actix_web::HttpRequest;
use schema::UnitId;

/// The unit of the connection's client certificate, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer(pub Result<UnitId, String>);

/// The client's certificate chain (DER, leaf first), kept to check it again against the
/// current CRLs on a connection that outlives a revocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerChain(pub Vec<Vec<u8>>);

impl Peer {
    /// The peer of the connection `req` arrived on; `None` outside TLS.
    pub fn of(req: &HttpRequest) -> Option<UnitId> {
        req.conn_data::<Peer>().and_then(|p| p.0.clone().ok())
    }

    /// The certificate chain the peer presented at the handshake.
    pub fn chain(req: &HttpRequest) -> Option<Vec<Vec<u8>>> {
        req.conn_data::<PeerChain>().map(|c| c.0.clone())
    }
}

/// `HttpServer::on_connect` callback: stores the [`Peer`] of a rustls connection.
pub fn on_connect(conn: &dyn Any, ext: &mut Extensions) {
    let Some(tls) = conn.downcast_ref::<TlsStream<TcpStream>>() else {
        return;
    };
    let (_, session) = tls.get_ref();
    let peer = match session.peer_certificates().and_then(|c| c.first()) {
        None => Err("no client certificate".to_string()),
        Some(leaf) => schema::cert_unit_id(leaf).map_err(|e| e.to_string()),
    };
    if let Some(chain) = session.peer_certificates() {
        ext.insert(PeerChain(chain.iter().map(|c| c.to_vec()).collect()));
    }
    ext.insert(Peer(peer));
}
