//! Maven versions, ordered as Maven 3.8.6's `ComparableVersion` orders them.
//!
//! A version is split into items: numbers and words, separated by `.` (same list) or `-` (a new
//! nested list), with a change between digits and letters also starting a nested list. Trailing
//! nulls (`0`, the release qualifiers `""`, `ga`, `final`, `release`, and empty lists) are
//! dropped. Known qualifiers order as `alpha < beta < milestone < rc = cr < snapshot < "" <
//! sp`; other words sort after them, alphabetically. `a`, `b` and `m` directly followed by a
//! digit mean `alpha`, `beta` and `milestone`.
//!
//! This is the rule of `ComparableVersion` up to Maven 3.8.6, which made the generated reference
//! vectors. Maven 3.8.7 (Debian 12's `libmaven3-core-java`) and 3.9 also start a nested list for
//! a word written after `.` (`1.0.0.X1` is read as `1.0.0-X1`), so they order `2.0.0.Alpha4 <
//! 2.0.0-M5` where 3.8.6 and we give `>`; the differential test against Debian's jar lists
//! the pairs where this shows.
//!
//! The nested lists are kept in an arena and compared with an explicit stack: no recursion.

use std::cmp::Ordering;

use crate::util::cmp_digits;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// A number, leading zeros removed.
    Int(String),
    /// A word, as its comparable qualifier key.
    Str(String),
    /// A nested list (indices into the arena).
    List(Vec<usize>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_INDEX: &str = "5";

fn comparable_qualifier(q: &str) -> String {
    match QUALIFIERS.iter().position(|x| *x == q) {
        Some(i) => i.to_string(),
        None => format!("{}-{q}", QUALIFIERS.len()),
    }
}

fn string_item(value: &str, followed_by_digit: bool) -> Item {
    let mut v = value;
    if followed_by_digit && v.chars().count() == 1 {
        v = match v {
            "a" => "alpha",
            "b" => "beta",
            "m" => "milestone",
            _ => v,
        };
    }
    let v = match v {
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        _ => v,
    };
    Item::Str(comparable_qualifier(v))
}

fn parse_item(is_digit: bool, buf: &str) -> Item {
    if is_digit {
        Item::Int(buf.trim_start_matches('0').to_string())
    } else {
        string_item(buf, false)
    }
}

/// A parsed Maven version.
#[derive(Debug, Clone)]
pub struct MavenVersion {
    arena: Vec<Item>,
}

impl MavenVersion {
    /// Parses any string, as `ComparableVersion` does.
    pub fn parse(version: &str) -> MavenVersion {
        let lower = version.to_lowercase();
        let chars: Vec<(usize, char)> = lower.char_indices().collect();
        let mut arena: Vec<Item> = vec![Item::List(Vec::new())];
        let mut lists: Vec<usize> = vec![0];
        let mut cur = 0usize;
        let add = |arena: &mut Vec<Item>, list: usize, item: Item| -> usize {
            arena.push(item);
            let id = arena.len() - 1;
            if let Some(Item::List(v)) = arena.get_mut(list) {
                v.push(id);
            }
            id
        };
        let mut is_digit = false;
        let mut start = 0usize; // byte offset
        let sub = |a: usize, b: usize| lower.get(a..b).unwrap_or("");
        for &(i, c) in &chars {
            if c == '.' || c == '-' {
                let item = if i == start {
                    Item::Int(String::new())
                } else {
                    parse_item(is_digit, sub(start, i))
                };
                add(&mut arena, cur, item);
                start = i + 1;
                if c == '-' {
                    cur = add(&mut arena, cur, Item::List(Vec::new()));
                    lists.push(cur);
                }
            } else if c.is_ascii_digit() {
                if !is_digit && i > start {
                    add(&mut arena, cur, string_item(sub(start, i), true));
                    start = i;
                    cur = add(&mut arena, cur, Item::List(Vec::new()));
                    lists.push(cur);
                }
                is_digit = true;
            } else {
                if is_digit && i > start {
                    add(&mut arena, cur, parse_item(true, sub(start, i)));
                    start = i;
                    cur = add(&mut arena, cur, Item::List(Vec::new()));
                    lists.push(cur);
                }
                is_digit = false;
            }
        }
        if lower.len() > start {
            add(
                &mut arena,
                cur,
                parse_item(is_digit, sub(start, lower.len())),
            );
        }
        // Normalise the innermost lists first (they were created last).
        while let Some(l) = lists.pop() {
            let Some(Item::List(items)) = arena.get(l).cloned() else {
                continue;
            };
            let mut items = items;
            normalize_items(&arena, &mut items);
            arena[l] = Item::List(items);
        }
        MavenVersion { arena }
    }

    fn cmp_null(&self, mut id: usize) -> Ordering {
        loop {
            match self.arena.get(id) {
                Some(Item::Int(v)) => {
                    return if v.is_empty() {
                        Ordering::Equal
                    } else {
                        Ordering::Greater
                    }
                }
                Some(Item::Str(q)) => return q.as_str().cmp(RELEASE_INDEX),
                Some(Item::List(v)) => match v.first() {
                    None => return Ordering::Equal,
                    Some(&f) => id = f,
                },
                None => return Ordering::Equal,
            }
        }
    }
}

/// `ListItem.normalize`: scanning backwards, null items are removed and non-null lists passed
/// over; the first other non-null item stops it.
fn normalize_items(arena: &[Item], items: &mut Vec<usize>) {
    let mut i = items.len();
    while i > 0 {
        i -= 1;
        let id = items[i];
        let null = match arena.get(id) {
            Some(Item::Int(v)) => v.is_empty(),
            Some(Item::Str(q)) => q == RELEASE_INDEX,
            Some(Item::List(v)) => v.is_empty(),
            None => true,
        };
        if null {
            items.remove(i);
        } else if !matches!(arena.get(id), Some(Item::List(_))) {
            break;
        }
    }
}

fn list_of(v: &MavenVersion, id: usize) -> &[usize] {
    match v.arena.get(id) {
        Some(Item::List(l)) => l,
        _ => &[],
    }
}

/// Compares two Maven versions. Never fails.
pub fn compare(a: &str, b: &str) -> Ordering {
    let va = MavenVersion::parse(a);
    let vb = MavenVersion::parse(b);
    compare_parsed(&va, &vb)
}

/// Compares two parsed Maven versions.
pub fn compare_parsed(va: &MavenVersion, vb: &MavenVersion) -> Ordering {
    // Frames of (list in a, list in b, next index).
    let mut stack: Vec<(usize, usize, usize)> = vec![(0, 0, 0)];
    while let Some(frame) = stack.last_mut() {
        let (la, lb, idx) = *frame;
        frame.2 += 1;
        let l = list_of(va, la).get(idx).copied();
        let r = list_of(vb, lb).get(idx).copied();
        let result = match (l, r) {
            (None, None) => {
                stack.pop();
                continue;
            }
            (None, Some(r)) => vb.cmp_null(r).reverse(),
            (Some(l), None) => va.cmp_null(l),
            (Some(l), Some(r)) => match (&va.arena[l], &vb.arena[r]) {
                (Item::Int(x), Item::Int(y)) => cmp_digits(x, y),
                (Item::Int(_), _) => Ordering::Greater,
                (Item::Str(_), Item::Int(_)) => Ordering::Less,
                (Item::Str(x), Item::Str(y)) => x.cmp(y),
                (Item::Str(_), Item::List(_)) => Ordering::Less,
                (Item::List(_), Item::Int(_)) => Ordering::Less,
                (Item::List(_), Item::Str(_)) => Ordering::Greater,
                (Item::List(_), Item::List(_)) => {
                    stack.push((l, r, 0));
                    continue;
                }
            },
        };
        if result != Ordering::Equal {
            return result;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        assert_eq!(compare("1.0", "1"), Ordering::Equal);
        assert_eq!(compare("1.0-alpha1", "1.0"), Ordering::Less);
        assert_eq!(compare("1.0-SNAPSHOT", "1.0-rc1"), Ordering::Greater);
        assert_eq!(compare("1.0.final", "1.0"), Ordering::Equal);
        assert_eq!(compare("1.0-sp1", "1.0"), Ordering::Greater);
        assert_eq!(compare("1.0-cr1", "1.0-rc1"), Ordering::Equal);
        assert_eq!(compare("1.0-foo", "1.0-sp"), Ordering::Greater);
    }
}
