//! The merged view: the final filesystem exactly as an overlay-based runtime presents it,
//! built by applying layers in order (whiteouts, opaque directories, type changes,
//! hardlinks), plus a record of what later layers deleted.

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::layer::{split_parent, Entry, EntryKind, Whiteout};

/// One path of the final filesystem. Kept small: a million-file image holds a million of them.
#[derive(Debug, Clone)]
pub struct Node {
    /// Object type; hardlinks are resolved to the kind of their target.
    pub kind: EntryKind,
    /// Permission bits including setuid/setgid/sticky.
    pub mode: u32,
    /// Owner user ID.
    pub uid: u32,
    /// Owner group ID.
    pub gid: u32,
    /// Identity of the underlying file: paths with the same inode are hard links of each other.
    pub inode: u32,
    /// Content size for files.
    pub size: u64,
    /// The layer (0-based) that last wrote this path.
    pub layer: usize,
    /// Rarely present data, boxed to keep the common node small.
    extra: Option<Box<NodeExtra>>,
}

#[derive(Debug, Clone, Default)]
struct NodeExtra {
    link: Option<Box<str>>,
    content_origin: Option<(usize, Box<str>)>,
    sha256: Option<[u8; 32]>,
}

impl Node {
    /// Symlink target as written.
    pub fn link(&self) -> Option<&str> {
        self.extra.as_ref()?.link.as_deref()
    }

    /// SHA-256 of the content, when file hashing was requested.
    pub fn sha256(&self) -> Option<&[u8; 32]> {
        self.extra.as_ref()?.sha256.as_ref()
    }

    /// The layer and path under which this node's content is stored in a layer blob (hard
    /// links share the bytes of the entry they point to).
    pub fn content_location<'a>(&'a self, path: &'a str) -> (usize, &'a str) {
        match self.extra.as_ref().and_then(|e| e.content_origin.as_ref()) {
            Some((layer, origin)) => (*layer, origin),
            None => (self.layer, path),
        }
    }

    fn directory(layer: usize, inode: u32) -> Node {
        Node {
            kind: EntryKind::Dir,
            mode: 0o755,
            uid: 0,
            gid: 0,
            inode,
            size: 0,
            layer,
            extra: None,
        }
    }
}

/// A file that some layer added and a later layer deleted: still readable from the blobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    /// The path it had.
    pub path: String,
    /// The layer that wrote it.
    pub added_in: usize,
    /// The layer whose whiteout (or replacement by another type) removed it.
    pub deleted_in: usize,
}

/// The final filesystem of an image.
#[derive(Debug, Default)]
pub struct MergedFs {
    /// Path -> slot in `arena`. Values are small so the B-tree's half-full leaves (paths arrive
    /// mostly sorted) cost little; the nodes themselves live densely in the arena.
    nodes: BTreeMap<Box<str>, u32>,
    arena: Vec<Node>,
    free: Vec<u32>,
    deleted: Vec<Deleted>,
    next_inode: u32,
    warnings: Vec<String>,
}

/// Linux's limit on symlinks followed while resolving one path.
const MAX_SYMLINK_HOPS: usize = 40;

impl MergedFs {
    /// An empty filesystem.
    pub fn new() -> Self {
        Self::default()
    }

    fn node(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path).map(|&i| &self.arena[i as usize])
    }

    fn insert_node(&mut self, key: Box<str>, node: Node) {
        match self.nodes.entry(key) {
            std::collections::btree_map::Entry::Occupied(e) => {
                self.arena[*e.get() as usize] = node;
            }
            std::collections::btree_map::Entry::Vacant(v) => {
                let slot = match self.free.pop() {
                    Some(slot) => {
                        self.arena[slot as usize] = node;
                        slot
                    }
                    None => {
                        self.arena.push(node);
                        (self.arena.len() - 1) as u32
                    }
                };
                v.insert(slot);
            }
        }
    }

    /// Remove `path`, returning the (layer, kind) it had.
    fn remove_node(&mut self, path: &str) -> Option<(usize, EntryKind)> {
        let slot = self.nodes.remove(path)?;
        self.free.push(slot);
        let node = &self.arena[slot as usize];
        Some((node.layer, node.kind))
    }

    /// Apply one layer on top of what is there.
    pub fn apply_layer(&mut self, layer: usize, entries: &[Entry], whiteouts: &[Whiteout]) {
        self.apply_whiteouts(layer, whiteouts);
        for entry in entries {
            self.add_keyed(layer, entry, Box::from(entry.path.as_str()));
        }
    }

    /// Apply one layer, consuming its entry list (paths move into the tree without copying).
    pub fn apply_layer_owned(&mut self, layer: usize, entries: Vec<Entry>, whiteouts: &[Whiteout]) {
        self.apply_whiteouts(layer, whiteouts);
        for mut entry in entries {
            let key = std::mem::take(&mut entry.path).into_boxed_str();
            self.add_keyed(layer, &entry, key);
        }
    }

    fn apply_whiteouts(&mut self, layer: usize, whiteouts: &[Whiteout]) {
        for whiteout in whiteouts {
            match whiteout {
                Whiteout::Opaque(dir) => self.remove_children(dir, layer),
                Whiteout::Remove(path) => self.remove_tree(path, layer),
            }
        }
    }

    /// Add `entry` under `key` (its path; `entry.path` may be empty when the key was moved out).
    fn add_keyed(&mut self, layer: usize, entry: &Entry, key: Box<str>) {
        self.ensure_parents(&key, layer);
        let node = match entry.kind {
            EntryKind::Hardlink => {
                let target = entry.link.as_deref().unwrap_or_default();
                match self.node(target) {
                    Some(t) if t.kind != EntryKind::Dir => {
                        let mut node = t.clone();
                        node.layer = layer;
                        let extra = node.extra.get_or_insert_with(Box::default);
                        if extra.content_origin.is_none() {
                            extra.content_origin = Some((t.layer, Box::from(target)));
                        }
                        node
                    }
                    Some(_) => {
                        self.warnings.push(format!(
                            "layer {layer}: hardlink {} points to directory {target}; skipped",
                            key
                        ));
                        return;
                    }
                    None => {
                        self.warnings.push(format!(
                            "layer {layer}: hardlink {} points to missing {target}; skipped",
                            key
                        ));
                        return;
                    }
                }
            }
            kind => {
                self.next_inode += 1;
                let extra = (entry.link.is_some() || entry.sha256.is_some()).then(|| {
                    Box::new(NodeExtra {
                        link: entry.link.as_deref().map(Box::from),
                        content_origin: None,
                        sha256: entry.sha256.as_deref().copied(),
                    })
                });
                Node {
                    kind,
                    mode: entry.mode,
                    uid: entry.uid,
                    gid: entry.gid,
                    inode: self.next_inode,
                    size: entry.size,
                    layer,
                    extra,
                }
            }
        };
        let is_dir = node.kind == EntryKind::Dir;
        match self.node(&key).map(|old| (old.kind, old.layer)) {
            Some((EntryKind::Dir, _)) if !is_dir => {
                self.remove_children(&key, layer);
            }
            Some((old_kind, old_layer)) if old_kind != EntryKind::Dir && is_dir => {
                self.record_deleted(&key, old_layer, layer, old_kind);
            }
            _ => {}
        }
        self.insert_node(key, node);
    }

    /// Create missing parent directories and replace non-directories in the way.
    fn ensure_parents(&mut self, path: &str, layer: usize) {
        let mut end = 0;
        while let Some(i) = path[end..].find('/') {
            let parent = &path[..end + i];
            end += i + 1;
            match self.node(parent) {
                Some(n) if n.kind == EntryKind::Dir => continue,
                Some(n) => {
                    let (old_layer, old_kind) = (n.layer, n.kind);
                    self.record_deleted(parent, old_layer, layer, old_kind);
                }
                None => {}
            }
            self.next_inode += 1;
            self.insert_node(Box::from(parent), Node::directory(layer, self.next_inode));
        }
    }

    fn record_deleted(&mut self, path: &str, added_in: usize, deleted_in: usize, kind: EntryKind) {
        if kind == EntryKind::File {
            self.deleted.push(Deleted {
                path: path.to_string(),
                added_in,
                deleted_in,
            });
        }
    }

    /// Remove `path` and everything below it.
    fn remove_tree(&mut self, path: &str, layer: usize) {
        if let Some((old_layer, old_kind)) = self.remove_node(path) {
            self.record_deleted(path, old_layer, layer, old_kind);
        }
        self.remove_children(path, layer);
    }

    /// Remove everything below directory `dir` (`""` is the root).
    fn remove_children(&mut self, dir: &str, layer: usize) {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        // '0' is the byte after '/', so this range is exactly the keys starting with `dir/`.
        let upper = if dir.is_empty() {
            Bound::Unbounded
        } else {
            Bound::Excluded(format!("{dir}0"))
        };
        let upper_ref = match &upper {
            Bound::Excluded(u) => Bound::Excluded(u.as_str()),
            _ => Bound::Unbounded,
        };
        let doomed: Vec<Box<str>> = self
            .nodes
            .range::<str, _>((Bound::Included(prefix.as_str()), upper_ref))
            .map(|(k, _)| k.clone())
            .filter(|k| k.starts_with(&prefix))
            .collect();
        for key in doomed {
            if let Some((old_layer, old_kind)) = self.remove_node(&key) {
                self.record_deleted(&key, old_layer, layer, old_kind);
            }
        }
    }

    /// The node at exactly `path` (normalised, no leading `/`), without following symlinks.
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.node(path.trim_start_matches('/'))
    }

    /// Resolve `path` as the kernel would inside a chroot at the image root: symlinks in every
    /// component are followed (absolute targets restart at the root, `..` stops at the root),
    /// with loop detection. Returns the final path and its node.
    pub fn resolve(&self, path: &str) -> Option<(String, &Node)> {
        let mut pending: Vec<String> = path
            .split('/')
            .filter(|c| !c.is_empty())
            .rev()
            .map(str::to_string)
            .collect();
        let mut current: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(component) = pending.pop() {
            match component.as_str() {
                "." => continue,
                ".." => {
                    current.pop();
                    continue;
                }
                _ => {}
            }
            current.push(component);
            let joined = current.join("/");
            let node = self.node(&joined)?;
            if node.kind == EntryKind::Symlink {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return None;
                }
                let target = node.link().unwrap_or_default();
                current.pop();
                if target.starts_with('/') {
                    current.clear();
                }
                pending.extend(
                    target
                        .split('/')
                        .filter(|c| !c.is_empty())
                        .rev()
                        .map(str::to_string),
                );
            }
        }
        let joined = current.join("/");
        let node = self.node(&joined)?;
        Some((joined, node))
    }

    /// All paths in byte order with their nodes.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.nodes
            .iter()
            .map(|(k, &i)| (&**k, &self.arena[i as usize]))
    }

    /// Paths directly or indirectly under `dir` (not following symlinks).
    pub fn iter_under<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a Node)> {
        let prefix = format!("{}/", dir.trim_matches('/'));
        let range = self
            .nodes
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded));
        range
            .take_while(move |(k, _)| k.starts_with(prefix.as_str()))
            .map(|(k, &i)| (&**k, &self.arena[i as usize]))
    }

    /// Number of paths.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the filesystem is empty.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Files added by one layer and deleted by a later one.
    pub fn deleted(&self) -> &[Deleted] {
        &self.deleted
    }

    /// Problems met while merging (e.g. hardlinks to missing targets).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// For each inode shared by more than one path, the smallest such path.
    pub fn hardlink_groups(&self) -> std::collections::HashMap<u32, &str> {
        let mut first: std::collections::HashMap<u32, (&str, usize)> = Default::default();
        for (path, node) in self.iter() {
            if node.kind == EntryKind::Dir {
                continue;
            }
            first
                .entry(node.inode)
                .and_modify(|e| e.1 += 1)
                .or_insert((path, 1));
        }
        first
            .into_iter()
            .filter(|(_, (_, n))| *n > 1)
            .map(|(inode, (path, _))| (inode, path))
            .collect()
    }

    /// The filesystem as TSV in the shape of `tools/list_rootfs.py`: `path type mode uid gid
    /// size sha256 link_target hardlink_group`, one line per path in byte order, root excluded.
    pub fn to_tsv(&self) -> String {
        let groups = self.hardlink_groups();
        let mut out =
            String::from("path\ttype\tmode\tuid\tgid\tsize\tsha256\tlink_target\thardlink_group\n");
        for (path, node) in self.iter() {
            let mode = if node.kind == EntryKind::Symlink {
                0o777
            } else {
                node.mode
            };
            let size = if node.kind == EntryKind::File {
                node.size
            } else {
                0
            };
            let digest = node.sha256().map(hex::encode).unwrap_or_default();
            let group = groups
                .get(&node.inode)
                .map(|g| format!("/{g}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "/{path}\t{}\t{mode:04o}\t{}\t{}\t{size}\t{digest}\t{}\t{group}\n",
                node.kind.as_str(),
                node.uid,
                node.gid,
                node.link().unwrap_or(""),
            ));
        }
        out
    }

    /// The parent of `path` and its name.
    pub fn split(path: &str) -> (&str, &str) {
        split_parent(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> Entry {
        Entry {
            path: path.into(),
            kind: EntryKind::File,
            mode: 0o644,
            uid: 0,
            gid: 0,
            size: 1,
            link: None,
            sha256: None,
        }
    }

    fn symlink(path: &str, target: &str) -> Entry {
        Entry {
            kind: EntryKind::Symlink,
            link: Some(target.into()),
            ..file(path)
        }
    }

    #[test]
    fn whiteouts_and_opaque_dirs() {
        let mut fs = MergedFs::new();
        fs.apply_layer(0, &[file("a/x"), file("a/y"), file("b/z")], &[]);
        fs.apply_layer(
            1,
            &[file("a/new")],
            &[Whiteout::Opaque("a".into()), Whiteout::Remove("b".into())],
        );
        let paths: Vec<_> = fs.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(paths, ["a", "a/new"]);
        assert_eq!(fs.deleted().len(), 3);
    }

    #[test]
    fn resolves_symlinks_inside_root() {
        let mut fs = MergedFs::new();
        fs.apply_layer(
            0,
            &[
                symlink("bin", "usr/bin"),
                file("usr/bin/sh"),
                symlink("etc/up", "../../../usr"),
                symlink("loop", "loop"),
            ],
            &[],
        );
        assert_eq!(fs.resolve("/bin/sh").unwrap().0, "usr/bin/sh");
        assert_eq!(fs.resolve("etc/up/bin/sh").unwrap().0, "usr/bin/sh");
        assert!(fs.resolve("loop").is_none());
    }
}
