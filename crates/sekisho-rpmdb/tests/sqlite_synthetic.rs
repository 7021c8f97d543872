//! SQLite databases built in memory from real header blobs.

use rusqlite::Connection;
use sekisho_rpmdb::{read_header_blobs, read_packages, DbFormat, RpmDbError};

const NDB: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/images/rpmdb/sle15-bci-ndb/Packages.db"
);

fn serialized(setup: impl FnOnce(&Connection)) -> Vec<u8> {
    let conn = Connection::open_in_memory().unwrap();
    setup(&conn);
    conn.serialize("main").unwrap().to_vec()
}

#[test]
fn rollback_journal_database_with_real_blobs() {
    let ndb = std::fs::read(NDB).unwrap();
    let want = read_packages(DbFormat::Ndb, &ndb).unwrap();
    let blobs = read_header_blobs(DbFormat::Ndb, &ndb).unwrap();
    let bytes = serialized(|c| {
        c.execute_batch(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);",
        )
        .unwrap();
        // Inserted in reverse with explicit keys: output follows hnum.
        for (i, b) in blobs.iter().enumerate().rev() {
            c.execute(
                "INSERT INTO Packages (hnum, blob) VALUES (?1, ?2)",
                (i as i64 + 1, &b.blob),
            )
            .unwrap();
        }
    });
    assert_eq!(&bytes[18..20], &[1, 1]);
    assert_eq!(read_packages(DbFormat::Sqlite, &bytes).unwrap(), want);
}

#[test]
fn missing_table_and_wrong_column_type_are_errors() {
    let bytes = serialized(|c| c.execute_batch("CREATE TABLE Other (x);").unwrap());
    assert!(matches!(
        read_packages(DbFormat::Sqlite, &bytes),
        Err(RpmDbError::Sqlite { .. })
    ));
    let bytes = serialized(|c| {
        c.execute_batch(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB);
             INSERT INTO Packages VALUES (1, 'text, not a blob');",
        )
        .unwrap()
    });
    assert!(matches!(
        read_packages(DbFormat::Sqlite, &bytes),
        Err(RpmDbError::Sqlite { .. })
    ));
    let bytes = serialized(|c| {
        c.execute_batch(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB);
             INSERT INTO Packages VALUES (7, x'0000');",
        )
        .unwrap()
    });
    assert!(matches!(
        read_packages(DbFormat::Sqlite, &bytes),
        Err(RpmDbError::Header { record: 7, .. })
    ));
}
