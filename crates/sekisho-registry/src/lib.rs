//! Images by reference: Docker reference parsing ([`Reference`]), an OCI distribution client
//! ([`Client`]: manifests and indexes in OCI and Docker v2 media types, HEAD to resolve
//! digests, streamed blobs, anonymous/basic/bearer-token auth, retries with backoff), and
//! [`RegistryStore`], a [`sekisho_image::BlobStore`] that presents a remote image as an OCI
//! layout so its layers stream straight into the scan. The client also pushes: blobs (skipped
//! when the registry has them) and manifests by tag ([`Client::for_push`], [`Client::push_blob`],
//! [`Client::push_manifest`]), for artifacts such as the vulnerability database.
//!
//! The library takes credentials as data ([`Credentials`], [`DockerConfig`] parsed from a
//! `config.json` the front end read); it reads no files and no environment (except the
//! standard proxy variables, which the HTTP client honours).

mod auth;
mod client;
mod error;
mod push;
mod reference;
mod store;

pub use auth::{Credentials, DockerConfig};
pub use client::{
    BlobReader, Client, ClientOptions, FetchedManifest, ManifestHead, MANIFEST_ACCEPT,
};
pub use error::RegistryError;
pub use push::BlobPush;
pub use reference::{Reference, DOCKER_HUB, DOCKER_HUB_HOST, PREFIX};
pub use store::RegistryStore;
