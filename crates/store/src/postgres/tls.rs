//! TLS between edugov and PostgreSQL, chosen by the URL's `sslmode` as
//! libpq (psql, pg_dump) chooses it, so one URL means the same to edugov and
//! to the PostgreSQL tools an operator runs beside it.
//!
//! Why `tokio-postgres-rustls` (rustls with ring's primitives, system roots
//! from `rustls-native-certs`): it is pure Rust, so building edugov needs no
//! OpenSSL headers and a deployed binary no particular libssl; rustls is the
//! TLS stack most of the Rust ecosystem trusts, and this crate is the
//! maintained bridge to tokio-postgres 0.7 (what `postgres` 0.19 runs on),
//! with channel binding for SCRAM. `postgres-openssl` would work too but
//! ties the build to the system's OpenSSL.
//!
//! | sslmode       | TLS                   | certificate checked                 |
//! |---------------|-----------------------|-------------------------------------|
//! | `disable`     | never                 | —                                   |
//! | `allow`       | as `prefer` (below)   | no                                  |
//! | `prefer` (default) | if the server offers it, else plain | no            |
//! | `require`     | always                | no (yes, as `verify-ca`, when `sslrootcert` is given, as libpq) |
//! | `verify-ca`   | always                | signed by a trusted root            |
//! | `verify-full` | always                | and names the host connected to     |
//!
//! The trusted roots are `sslrootcert=FILE` (PEM) from the URL, or the
//! system's roots when it is absent or `system`. tokio-postgres's URL parser
//! knows only `disable`, `prefer` and `require` and rejects `sslrootcert`,
//! so [`connect`] takes `sslmode` and `sslrootcert` out of the URL, decides
//! the TLS itself and hands tokio-postgres `sslmode=require` (or the mode
//! it knows). `pg_dump` (Maintenance::backup) gets the URL as written: libpq
//! reads the same parameters.

use std::io;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use percent_encoding::percent_decode_str;
use postgres::{Client, NoTls};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::redacted;
use crate::{Result, StoreError};

/// The URL's `sslmode`, libpq's six values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// The values of `sslmode`, for the error naming a wrong one.
const MODES: &str = "disable、allow、prefer、require、verify-ca、verify-full";

/// What [`connect`] does with a URL: the URL tokio-postgres is given, the
/// mode, and the roots named by the URL.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Plan {
    /// The URL without `sslrootcert`, with an `sslmode` tokio-postgres knows.
    pub driver_url: String,
    pub mode: SslMode,
    /// `sslrootcert=FILE`; `None` for absent or `system`.
    pub root_cert: Option<PathBuf>,
}

/// Reads `sslmode` and `sslrootcert` from the URL's query and rewrites it
/// for tokio-postgres. Errors name the URL without its password.
pub(super) fn plan(url: &str) -> Result<Plan> {
    let invalid = |message: String| StoreError::Connect {
        url: redacted(url),
        message,
    };
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, query),
        None => (url, ""),
    };
    let mut mode = SslMode::Prefer; // libpq's default
    let mut root_cert = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = percent_decode_str(value).decode_utf8_lossy();
        match key {
            "sslmode" => {
                mode = match decoded.as_ref() {
                    "disable" => SslMode::Disable,
                    "allow" => SslMode::Allow,
                    "prefer" => SslMode::Prefer,
                    "require" => SslMode::Require,
                    "verify-ca" => SslMode::VerifyCa,
                    "verify-full" => SslMode::VerifyFull,
                    other => return Err(invalid(format!("sslmode={other} 无效，可选 {MODES}"))),
                }
            }
            "sslrootcert" => {
                root_cert = match decoded.as_ref() {
                    "" | "system" => None,
                    file => Some(PathBuf::from(file)),
                }
            }
            _ => kept.push(pair),
        }
    }
    // A root file given with `require` is checked as `verify-ca`, as libpq
    // does (it keeps that for compatibility with its old versions).
    if mode == SslMode::Require && root_cert.is_some() {
        mode = SslMode::VerifyCa;
    }
    let driver_mode = match mode {
        SslMode::Disable => "disable",
        // tokio-postgres cannot try plain first and TLS second; `prefer` is
        // the nearest and the safer of the two.
        SslMode::Allow | SslMode::Prefer => "prefer",
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => "require",
    };
    let sslmode = format!("sslmode={driver_mode}");
    kept.push(&sslmode);
    Ok(Plan {
        driver_url: format!("{base}?{}", kept.join("&")),
        mode,
        root_cert,
    })
}

/// Opens a connection with the TLS the URL's `sslmode` asks for.
pub(super) fn connect(url: &str) -> Result<Client> {
    let plan = plan(url)?;
    let failed = |message: String| StoreError::Connect {
        url: redacted(url),
        message,
    };
    let connected = match plan.mode {
        SslMode::Disable => Client::connect(&plan.driver_url, NoTls),
        _ => {
            let config = client_config(&plan).map_err(failed)?;
            Client::connect(&plan.driver_url, MakeRustlsConnect::new(config))
        }
    };
    connected.map_err(|error| failed(explain(&error, &plan)))
}

/// ring's primitives, named rather than taken from a process-wide default,
/// so another crate enabling aws-lc-rs cannot make `builder()` ambiguous.
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn client_config(plan: &Plan) -> std::result::Result<ClientConfig, String> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS 设置无效：{e}"))?;
    let verifier: Arc<dyn ServerCertVerifier> = match plan.mode {
        SslMode::Disable | SslMode::Allow | SslMode::Prefer | SslMode::Require => {
            Arc::new(Unchecked(provider))
        }
        SslMode::VerifyCa | SslMode::VerifyFull => {
            let roots = match &plan.root_cert {
                Some(file) => Arc::new(roots_from_file(file)?),
                None => system_roots()?,
            };
            let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider)
                .build()
                .map_err(|e| format!("无法使用根证书：{e}"))?;
            if plan.mode == SslMode::VerifyCa {
                Arc::new(ChainOnly(webpki))
            } else {
                webpki
            }
        }
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

fn roots_from_file(file: &std::path::Path) -> std::result::Result<RootCertStore, String> {
    let shown = file.display();
    let certs = CertificateDer::pem_file_iter(file)
        .map_err(|e| format!("无法读取根证书文件 {shown}（sslrootcert）：{e}"))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| format!("根证书文件 {shown}（sslrootcert）无法解析：{e}"))?;
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(format!("根证书文件 {shown}（sslrootcert）中没有可用的 PEM 证书"));
    }
    Ok(roots)
}

/// The system's roots, read once per process (a few hundred kilobytes).
fn system_roots() -> std::result::Result<Arc<RootCertStore>, String> {
    static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    if let Some(roots) = ROOTS.get() {
        return Ok(roots.clone());
    }
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if roots.is_empty() {
        return Err("系统中没有找到根证书，请在连接地址中用 sslrootcert=文件 指定".to_owned());
    }
    Ok(ROOTS.get_or_init(|| Arc::new(roots)).clone())
}

/// A failed connection explained for the operator: the TLS cause in words,
/// the driver's message after it.
fn explain(error: &postgres::Error, plan: &Plan) -> String {
    let roots = match &plan.root_cert {
        Some(file) => format!("根证书 {}", file.display()),
        None => "系统根证书".to_owned(),
    };
    let found = rustls_error(error);
    // The driver says only "error performing TLS handshake"; rustls says why.
    let text = match found {
        Some(cause) => format!("{error}: {cause}"),
        None => error.to_string(),
    };
    let cause = match found {
        Some(rustls::Error::InvalidCertificate(cause)) => match cause {
            CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                format!("服务器证书不是由信任的根证书签发（{roots}）")
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "服务器证书上的名称与连接的主机不符（sslmode=verify-full 要求相符；只校验签发者请用 verify-ca）".to_owned()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "服务器证书已过期".to_owned()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "服务器证书尚未生效（请检查本机时间）".to_owned()
            }
            _ => "服务器证书未通过校验".to_owned(),
        },
        Some(_) => "TLS 握手失败".to_owned(),
        None if refused_tls(error) => {
            "服务器未开启 TLS（需在 postgresql.conf 中设 ssl = on），而 sslmode 要求加密".to_owned()
        }
        None => return text,
    };
    format!("{cause}：{text}")
}

/// Whether the server answered the TLS request with "no" (`ssl = off`):
/// the driver keeps that in the error's source, not in its message.
fn refused_tls(error: &postgres::Error) -> bool {
    std::error::Error::source(error).is_some_and(|source| source.to_string() == "server does not support TLS")
}

/// The rustls error inside a driver error, if the handshake failed. The
/// driver boxes it in an `io::Error`, whose `source()` skips the error it
/// wraps, so each `io::Error` is opened by hand.
fn rustls_error(error: &postgres::Error) -> Option<&rustls::Error> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = next {
        if let Some(found) = current.downcast_ref::<rustls::Error>() {
            return Some(found);
        }
        if let Some(found) = current
            .downcast_ref::<io::Error>()
            .and_then(io::Error::get_ref)
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            return Some(found);
        }
        next = current.source();
    }
    None
}

/// `prefer` and `require`: encrypted, but any certificate is accepted, as
/// libpq does (protection against eavesdropping, not against a server that
/// pretends). The handshake's signatures are still checked, so the
/// certificate's key is the one the server holds.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to a trusted root, the name on the
/// certificate is not compared with the host. webpki checks the chain
/// before the name, so a name error means the chain was good.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod plan_tests {
    use super::*;

    #[test]
    fn without_sslmode_the_url_prefers_tls_as_libpq_does() {
        let plan = plan("postgres://u@h/db").unwrap();
        assert_eq!(plan.mode, SslMode::Prefer);
        assert_eq!(plan.driver_url, "postgres://u@h/db?sslmode=prefer");
        assert_eq!(plan.root_cert, None);
    }

    #[test]
    fn verify_modes_reach_the_driver_as_require_and_lose_sslrootcert() {
        let plan =
            plan("postgres://u@h/db?connect_timeout=5&sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20x.pem")
                .unwrap();
        assert_eq!(plan.mode, SslMode::VerifyFull);
        assert_eq!(plan.root_cert, Some(PathBuf::from("/etc/ca x.pem")));
        assert_eq!(
            plan.driver_url,
            "postgres://u@h/db?connect_timeout=5&sslmode=require"
        );
        assert_eq!(
            super::plan("postgres://h/db?sslmode=verify-ca").unwrap().mode,
            SslMode::VerifyCa
        );
    }

    #[test]
    fn require_with_a_root_file_is_checked_as_verify_ca() {
        assert_eq!(
            plan("postgres://h/db?sslmode=require&sslrootcert=/ca.pem")
                .unwrap()
                .mode,
            SslMode::VerifyCa
        );
        assert_eq!(
            plan("postgres://h/db?sslmode=require").unwrap().mode,
            SslMode::Require
        );
    }

    #[test]
    fn sslrootcert_system_means_the_system_roots() {
        let plan = plan("postgres://h/db?sslmode=verify-full&sslrootcert=system").unwrap();
        assert_eq!(plan.root_cert, None);
    }

    #[test]
    fn an_unknown_sslmode_is_refused_in_chinese_without_the_password() {
        let error = plan("postgres://u:secret@h/db?sslmode=always")
            .unwrap_err()
            .to_string();
        assert!(error.contains("sslmode=always 无效"), "{error}");
        assert!(error.contains("u:***@h"), "{error}");
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn a_missing_root_file_is_named_in_the_error() {
        let error =
            connect("postgres://u:secret@127.0.0.1:1/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")
                .err()
                .unwrap()
                .to_string();
        assert!(
            error.contains("无法读取根证书文件 /nonexistent/ca.pem"),
            "{error}"
        );
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn require_against_a_server_without_tls_says_the_server_must_enable_it() {
        use std::io::{Read, Write};
        // A server that answers the TLS request (8 bytes) with "N", as
        // PostgreSQL does with ssl = off.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0; 8];
            stream.read_exact(&mut request).unwrap();
            stream.write_all(b"N").unwrap();
        });
        let error = connect(&format!(
            "postgres://u:secret@127.0.0.1:{port}/db?sslmode=require"
        ))
        .err()
        .unwrap()
        .to_string();
        server.join().unwrap();
        assert!(error.contains("服务器未开启 TLS"), "{error}");
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn a_root_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("empty.pem");
        std::fs::write(&file, "not a certificate\n").unwrap();
        let url = format!(
            "postgres://127.0.0.1:1/db?sslmode=verify-ca&sslrootcert={}",
            file.display()
        );
        let error = connect(&url).err().unwrap().to_string();
        assert!(error.contains("没有可用的 PEM 证书"), "{error}");
    }
}
