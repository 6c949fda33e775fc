//! Who is on the other end: the client address logins are throttled by
//! (issue 10, point 6).
//!
//! The socket's peer address, unless the peer is a trusted reverse proxy
//! (`edugov serve --trusted-proxy`): then the right-most address of
//! `X-Forwarded-For` that is not itself a trusted proxy. Only the proxies
//! this server was told of are believed, so a client cannot choose its own
//! address by sending the header. An IPv6 client is keyed by its /64, the
//! block one subscriber usually holds.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use ipnet::IpNet;

use crate::state::AppState;

/// The client's key for throttling ("203.0.113.7", "2001:db8:1:2::/64"),
/// or "unknown" when the server was not told the peer (a router driven
/// without [`crate::serve`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientKey(pub String);

impl FromRequestParts<Arc<AppState>> for ClientKey {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<ClientKey, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(ClientKey(match peer {
            Some(peer) => key(client_address(
                peer,
                &parts.headers,
                &state.config.trusted_proxies,
            )),
            None => "unknown".to_owned(),
        }))
    }
}

/// The client's address: the peer, or behind trusted proxies the
/// right-most untrusted address of `X-Forwarded-For` (each proxy appends the
/// address it saw, so everything left of the first untrusted one may be
/// forged). A value that is not an address ends the walk at the peer.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(&ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            return peer;
        };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`
/// or `[2001:db8::1]:5678`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(canonical)
}

/// An IPv4 address written as IPv6 (`::ffff:1.2.3.4`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The throttling key of an address: IPv4 as is, IPv6 by its /64.
pub fn key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let h = headers(&["1.1.1.1"]);
        assert_eq!(client_address(ip("203.0.113.7"), &h, &[]), ip("203.0.113.7"));
        // Not from the trusted proxy: ignored too.
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        assert_eq!(client_address(ip("203.0.113.7"), &h, &trusted), ip("203.0.113.7"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_address_is_the_client() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "192.168.1.1/32".parse().unwrap()];
        // The client forged "6.6.6.6"; the outer proxy (192.168.1.1) appended what it saw.
        let h = headers(&["6.6.6.6, 198.51.100.9", "192.168.1.1"]);
        assert_eq!(client_address(ip("10.0.0.2"), &h, &trusted), ip("198.51.100.9"));
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers(&["[2001:db8::5]:443"]), &trusted),
            ip("2001:db8::5")
        );
        // No header, or garbage in it: the proxy itself.
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers(&[]), &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers(&["1.2.3.4, nonsense"]), &trusted),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(key(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(key(ip("2001:db8:1:2:bbbb::9")), key(ip("2001:db8:1:2::7")));
        assert_eq!(key(ip("::ffff:203.0.113.7")), "203.0.113.7");
    }
}
