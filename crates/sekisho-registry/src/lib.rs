//! Images by reference: Docker reference parsing ([`Reference`]), an OCI distribution client
//! ([`Client`]: manifests and indexes in OCI and Docker v2 media types, HEAD to resolve
//! digests, streamed blobs, anonymous/basic/bearer-token auth, retries with backoff), and
//! [`RegistryStore`], a [`sekisho_image::BlobStore`] that presents a remote image as an OCI
//! layout so its layers stream straight into the scan. The client also pushes: blobs (skipped
//! when the registry has them) and manifests by tag ([`Client::for_push`], [`Client::push_blob`],
//! [`Client::push_manifest`]), for artifacts such as the vulnerability database. Mirrors and
//! relocations come from a containers `registries.conf` ([`RegistriesConf`]):
//! [`RegistryStore::connect_via`] tries each [`Endpoint`] in turn.
//!
//! The library takes credentials as data ([`Credentials`], [`DockerConfig`] parsed from a
//! `config.json` the front end read), and CA certificates as DER bytes; it reads no files and
//! no environment (except the standard proxy variables, which the HTTP client honours). The
//! one program it runs is a docker credential helper that such a file names
//! ([`DockerConfig::credentials`]), found on `PATH`.

mod auth;
mod client;
mod error;
mod helper;
mod mirrors;
mod push;
mod reference;
mod store;

pub use auth::{Credentials, DockerConfig, Login, DOCKER_HUB_SERVER_URL, IDENTITY_TOKEN_USER};
pub use client::{
    parse_pem_certificates, BlobReader, Client, ClientOptions, FetchedManifest, ManifestHead,
    MANIFEST_ACCEPT,
};
pub use error::RegistryError;
pub use mirrors::{Endpoint, RegistriesConf};
pub use push::BlobPush;
pub use reference::{Reference, DOCKER_HUB, DOCKER_HUB_HOST, PREFIX};
pub use store::RegistryStore;
