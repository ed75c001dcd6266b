//! An S3-compatible bucket as DEST (`s3://bucket/prefix`), through the
//! `object_store` crate (its "aws" store, over the project's reqwest 0.12).
//!
//! Endpoint, region and credentials come from the environment as for the
//! AWS tools (`AWS_ENDPOINT_URL`, `AWS_REGION` or `AWS_DEFAULT_REGION`,
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, ...);
//! [`S3Options::endpoint`] (`--endpoint`) overrides the endpoint. Plain
//! http is refused unless `AWS_ALLOW_HTTP=true`, or the endpoint is on
//! loopback (a local test server). Requests are path-style
//! (`endpoint/bucket/key`) unless `AWS_VIRTUAL_HOSTED_STYLE_REQUEST=true`.
//!
//! Every object is put whole (a single PUT: the largest, an article text,
//! is at most a few MiB), with the `Content-Type` and `Cache-Control` that
//! `provledger serve` sends for it.

use super::{Dest, ObjectKind, PublishError};
use futures_util::TryStreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path as ObjectPath;
use object_store::{
    Attribute, Attributes, ClientConfigKey, ObjectStore, ObjectStoreExt, PutOptions, PutPayload,
    RetryConfig,
};
use std::collections::BTreeMap;
use std::time::Duration;

/// The most objects [`S3Dest::sizes`] asks about one HEAD each.
const HEAD_AT_MOST: usize = 3;

/// How to reach the bucket.
#[derive(Debug, Clone)]
pub struct S3Options {
    /// The endpoint URL (an S3-compatible server); `None`: the environment
    /// (`AWS_ENDPOINT_URL`), else AWS itself.
    pub endpoint: Option<String>,
    /// Longest wait for a connection.
    pub connect_timeout: Duration,
    /// Longest time one request may take.
    pub timeout: Duration,
    /// Retries of a failed request (with backoff), within `timeout` in all.
    pub retries: usize,
}

impl Default for S3Options {
    fn default() -> Self {
        S3Options {
            endpoint: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retries: 3,
        }
    }
}

/// A bucket and prefix to publish into.
pub struct S3Dest {
    runtime: tokio::runtime::Runtime,
    store: AmazonS3,
    bucket: String,
    prefix: String,
    endpoint: String,
}

/// Whether `url`'s host is a loopback address or `localhost`.
fn is_loopback(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    match u.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl S3Dest {
    /// The bucket `bucket`, keys under `prefix` (no leading or trailing
    /// `/`; empty for the bucket's root). Nothing is sent yet.
    pub fn new(bucket: &str, prefix: &str, opts: &S3Options) -> Result<S3Dest, PublishError> {
        let dest = format!("s3://{bucket}/{prefix}");
        let bad = |why: String| PublishError::BadDest {
            dest: dest.clone(),
            why,
        };
        let env_endpoint = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
        let endpoint = opts.endpoint.clone().or(env_endpoint);
        let secs = |d: Duration| format!("{}ms", d.as_millis().max(1));
        let mut b = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::ConnectTimeout),
                secs(opts.connect_timeout),
            )
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::Timeout),
                secs(opts.timeout),
            )
            .with_retry(RetryConfig {
                max_retries: opts.retries,
                retry_timeout: opts.timeout,
                ..RetryConfig::default()
            });
        if let Some(e) = &endpoint {
            b = b.with_endpoint(e);
            if is_loopback(e) {
                b = b.with_allow_http(true);
            }
        }
        let store = b.build().map_err(|e| bad(crate::error::chain(&e)))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("provledger-s3")
            .enable_all()
            .build()
            .map_err(|e| bad(format!("cannot start the upload runtime: {e}")))?;
        Ok(S3Dest {
            runtime,
            store,
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            endpoint: endpoint.unwrap_or_else(|| "AWS S3 (no AWS_ENDPOINT_URL)".into()),
        })
    }

    /// The object key of `path`.
    fn key(&self, path: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(path)
        } else {
            ObjectPath::from(format!("{}/{path}", self.prefix))
        }
    }

    fn url(&self, key: &ObjectPath) -> String {
        format!("s3://{}/{key}", self.bucket)
    }

    fn failed(&self, op: &'static str, key: &ObjectPath, e: &object_store::Error) -> PublishError {
        PublishError::Store {
            op,
            url: self.url(key),
            endpoint: self.endpoint.clone(),
            why: crate::error::chain(e),
        }
    }

    /// Every object under `dir` (a path prefix such as `tile`), by path
    /// relative to the prefix, with its size.
    fn list(&self, dir: &str) -> Result<BTreeMap<String, u64>, PublishError> {
        let key = self.key(dir);
        let base = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        let metas: Vec<object_store::ObjectMeta> = self
            .runtime
            .block_on(self.store.list(Some(&key)).try_collect::<Vec<_>>())
            .map_err(|e| self.failed("LIST", &key, &e))?;
        Ok(metas
            .into_iter()
            .filter_map(|m| {
                let rel = m.location.as_ref().strip_prefix(&base)?.to_string();
                Some((rel, m.size))
            })
            .collect())
    }
}

impl Dest for S3Dest {
    fn describe(&self) -> String {
        if self.prefix.is_empty() {
            format!("s3://{}", self.bucket)
        } else {
            format!("s3://{}/{}", self.bucket, self.prefix)
        }
    }

    fn read_checkpoint(&self) -> Result<Option<Vec<u8>>, PublishError> {
        let key = self.key("checkpoint");
        // The size is checked before the body is read: a bucket is not
        // trusted to hold a checkpoint-sized object there.
        let got = self.runtime.block_on(async {
            let r = self.store.get(&key).await?;
            if r.meta.size > crate::log::MAX_CHECKPOINT_BYTES {
                return Ok(Err(r.meta.size));
            }
            r.bytes().await.map(Ok)
        });
        match got {
            Ok(Err(size)) => Err(PublishError::BadCheckpoint {
                dest: self.describe(),
                why: format!(
                    "{} is {size} bytes, more than a checkpoint can be ({})",
                    self.url(&key),
                    crate::log::MAX_CHECKPOINT_BYTES
                ),
            }),
            Ok(Ok(b)) if b.len() as u64 > crate::log::MAX_CHECKPOINT_BYTES => {
                Err(PublishError::BadCheckpoint {
                    dest: self.describe(),
                    why: format!(
                        "{} is {} bytes, more than a checkpoint can be ({})",
                        self.url(&key),
                        b.len(),
                        crate::log::MAX_CHECKPOINT_BYTES
                    ),
                })
            }
            Ok(Ok(b)) => Ok(Some(b.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.failed("GET", &key, &e)),
        }
    }

    fn sizes(&self, paths: &[String]) -> Result<BTreeMap<String, u64>, PublishError> {
        let mut out = BTreeMap::new();
        if paths.is_empty() {
            return Ok(out);
        }
        // One or two (an incremental publish's new full tiles): a HEAD
        // each; more: one listing of tile/ and blobs/ (a request per 1000
        // keys).
        if paths.len() <= HEAD_AT_MOST {
            for p in paths {
                let key = self.key(p);
                match self.runtime.block_on(self.store.head(&key)) {
                    Ok(m) => {
                        out.insert(p.clone(), m.size);
                    }
                    Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(self.failed("HEAD", &key, &e)),
                }
            }
            return Ok(out);
        }
        let mut all = self.list("tile")?;
        all.extend(self.list("blobs")?);
        for p in paths {
            if let Some(s) = all.get(p) {
                out.insert(p.clone(), *s);
            }
        }
        Ok(out)
    }

    fn put(&self, path: &str, kind: ObjectKind, bytes: Vec<u8>) -> Result<(), PublishError> {
        let key = self.key(path);
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, kind.content_type().into());
        attributes.insert(Attribute::CacheControl, kind.cache_control().into());
        let opts = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.runtime
            .block_on(self.store.put_opts(&key, PutPayload::from(bytes), opts))
            .map(|_| ())
            .map_err(|e| self.failed("PUT", &key, &e))
    }
}
