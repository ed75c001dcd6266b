//! Which addresses a capture may connect to: not private, loopback,
//! link-local, unspecified or otherwise non-public ones, unless the
//! operator opts in ([`FetchOptions::allow_private`](super::http::FetchOptions::allow_private)).
//!
//! `article fetch` and `watch run` take URLs from anyone (a tip, a feed):
//! without this, a URL naming `127.0.0.1`, a router at `192.168.1.1` or a
//! cloud metadata service at `169.254.169.254` would be fetched from the
//! ledger's host and its answer signed and published (server-side request
//! forgery). The check is made on the addresses the connection actually
//! uses: the client's DNS resolver ([`GuardedResolver`]) hands the
//! connector only addresses that pass (so a name that resolves to a
//! private address is refused, and a later answer cannot differ from the
//! one checked), an IP literal is checked before the request, and the
//! peer address of every response (each redirect hop too) is checked
//! again.
//!
//! The ranges are IANA's special-purpose registries (RFC 6890 and its
//! updates). Rust's `IpAddr::is_global` would say the same but is not
//! stable, so the table is here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;

/// Why an address is not public, or `None` when it is.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_unspecified() => "unspecified (0.0.0.0)",
        (0, _, _) => "\"this network\" (0.0.0.0/8)",
        (10, _, _) => "private (10.0.0.0/8, RFC 1918)",
        (100, 64..=127, _) => "shared address space (100.64.0.0/10, RFC 6598)",
        (127, _, _) => "loopback (127.0.0.0/8)",
        (169, 254, _) => "link-local (169.254.0.0/16)",
        (172, 16..=31, _) => "private (172.16.0.0/12, RFC 1918)",
        (192, 0, 0) => "IETF protocol assignments (192.0.0.0/24)",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation (RFC 5737)",
        (192, 168, _) => "private (192.168.0.0/16, RFC 1918)",
        (198, 18..=19, _) => "benchmarking (198.18.0.0/15)",
        (224..=239, _, _) => "multicast (224.0.0.0/4)",
        _ if ip.is_broadcast() => "broadcast (255.255.255.255)",
        (240..=255, _, _) => "reserved (240.0.0.0/4)",
        _ => return None,
    })
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    // IPv4 inside IPv6: the IPv4 address decides.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return non_public_v4(v4);
    }
    let o = ip.octets();
    let v4 = |i: [usize; 4]| non_public_v4(Ipv4Addr::new(o[i[0]], o[i[1]], o[i[2]], o[i[3]]));
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0; 4] {
        // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address.
        return v4([12, 13, 14, 15]);
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1 {
        // Local-use NAT64 (64:ff9b:1::/48, RFC 8215): the operator's prefix
        // may be /48, /56, /64 or /96 inside it, each placing the IPv4
        // address elsewhere (RFC 6052 §2.2: bits 64-71 zero, the suffix
        // after the IPv4 address zero). Every layout the zero bits allow
        // is checked, and the address refused when any gives a non-public
        // IPv4 address, or when none fits.
        let zero = |r: std::ops::Range<usize>| o[r].iter().all(|&b| b == 0);
        let layouts = [
            (zero(8..9) && zero(11..16), [6, 7, 9, 10]),
            (zero(8..9) && zero(12..16), [7, 9, 10, 11]),
            (zero(8..9) && zero(13..16), [9, 10, 11, 12]),
            (zero(6..12), [12, 13, 14, 15]),
        ];
        if !layouts.iter().any(|l| l.0) {
            return Some("local-use NAT64 (64:ff9b:1::/48) in no RFC 6052 layout");
        }
        return layouts.into_iter().filter(|l| l.0).find_map(|l| v4(l.1));
    }
    if s[0] == 0x2002 {
        // 6to4 (2002::/16, RFC 3056): the relay reaches the IPv4 address
        // in bits 16-47.
        return v4([2, 3, 4, 5]);
    }
    Some(match s[0] {
        _ if ip.is_unspecified() => "unspecified (::)",
        _ if ip.is_loopback() => "loopback (::1)",
        0 if s[1..6] == [0; 5] => "IPv4-compatible (::/96, deprecated)",
        0x100 if s[1..4] == [0; 3] => "discard-only (100::/64)",
        0x2001 if s[1] == 0xdb8 => "documentation (2001:db8::/32)",
        0x2001 if s[1] < 0x200 => "IETF protocol assignments (2001::/23)",
        x if x & 0xfe00 == 0xfc00 => "unique local (fc00::/7)",
        x if x & 0xffc0 == 0xfe80 => "link-local (fe80::/10)",
        x if x & 0xffc0 == 0xfec0 => "site-local (fec0::/10, deprecated)",
        x if x & 0xff00 == 0xff00 => "multicast (ff00::/8)",
        _ => return None,
    })
}

/// An address refused: the host name (or literal) and why.
#[derive(Clone, Debug, thiserror::Error)]
pub struct Refused {
    /// The host as the URL names it.
    pub host: String,
    /// The address refused.
    pub addr: IpAddr,
    /// Its kind.
    pub why: &'static str,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host == self.addr.to_string() {
            write!(f, "{} is", self.addr)?;
        } else {
            write!(f, "{} resolves to {},", self.host, self.addr)?;
        }
        // "an unspecified", "an IETF…", but "a unique local".
        let an = if self.why.starts_with(['a', 'e', 'i', 'o', 'I'])
            || self.why.starts_with("unspecified")
        {
            "an"
        } else {
            "a"
        };
        write!(
            f,
            " {an} {} address; captures reach only public addresses (--allow-private-addresses, or PROVLEDGER_ALLOW_PRIVATE_ADDRESSES=1, to fetch it anyway)",
            self.why
        )
    }
}

/// `addr`, refused unless public.
pub fn check(host: &str, addr: IpAddr) -> Result<(), Refused> {
    match non_public(addr) {
        Some(why) => Err(Refused {
            host: host.to_string(),
            addr,
            why,
        }),
        None => Ok(()),
    }
}

/// The system resolver, with every answer checked: a name with a
/// non-public address among its answers is refused as a whole (a name
/// that points inside, even next to a public address, is not fetched).
pub struct GuardedResolver;

impl GuardedResolver {
    /// The resolver, as reqwest takes it.
    pub fn arc() -> Arc<GuardedResolver> {
        Arc::new(GuardedResolver)
    }
}

/// Resolves `host` (port 0) and checks every address.
pub fn resolve_checked(
    host: &str,
) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
    let addrs: Vec<SocketAddr> = (host, 0).to_socket_addrs()?.collect();
    for a in &addrs {
        check(host, a.ip())?;
    }
    Ok(addrs)
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            // getaddrinfo blocks: off the client's runtime thread.
            let addrs = tokio::task::spawn_blocking(move || resolve_checked(&host))
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)??;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(s: &str) -> Option<&'static str> {
        non_public(s.parse().unwrap())
    }

    #[test]
    fn private_loopback_link_local_and_unspecified_are_not_public() {
        for a in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "127.0.0.1",
            "127.255.0.9",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2001:db8::1",
            "2002:7f00:1::",
            "2002:a00:1::1",
            "2002:a9fe:a9fe::1",
            "64:ff9b:1::a9fe:a9fe",
            "64:ff9b:1::7f00:1",
            "64:ff9b:1:a9fe:a9:fe00::",
            "64:ff9b:1:a00:0:100::",
            "64:ff9b:1:0:c0:a801:100:0",
            "64:ff9b:1:1:2:3:4:5",
        ] {
            assert!(why(a).is_some(), "{a} passed");
        }
        assert_eq!(
            why("192.168.1.1"),
            Some("private (192.168.0.0/16, RFC 1918)")
        );
        assert_eq!(why("fd00::1"), Some("unique local (fc00::/7)"));
        assert_eq!(
            why("2002:c0a8:101::1"),
            Some("private (192.168.0.0/16, RFC 1918)")
        );
        assert_eq!(
            why("64:ff9b:1::a9fe:a9fe"),
            Some("link-local (169.254.0.0/16)")
        );
        assert_eq!(
            why("64:ff9b:1:7f00:0:100::"),
            Some("loopback (127.0.0.0/8)")
        );
        assert_eq!(
            why("64:ff9b:1:1:2:3:4:5"),
            Some("local-use NAT64 (64:ff9b:1::/48) in no RFC 6052 layout")
        );
    }

    #[test]
    fn public_addresses_pass() {
        for a in [
            "93.184.215.14",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "192.169.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2002:5db8:d70e:1::1",
            "64:ff9b:1::808:808",
            "64:ff9b:1:5db8:d7:e00::",
        ] {
            assert_eq!(why(a), None, "{a} refused");
        }
    }

    #[test]
    fn a_refusal_names_host_address_and_opt_in() {
        let e = check("localhost", "127.0.0.1".parse().unwrap()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "localhost resolves to 127.0.0.1, a loopback (127.0.0.0/8) address; captures reach only public addresses (--allow-private-addresses, or PROVLEDGER_ALLOW_PRIVATE_ADDRESSES=1, to fetch it anyway)"
        );
        let e = check("::", "::".parse().unwrap()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(":: is an unspecified (::) address; "),
            "{e}"
        );
    }
}
