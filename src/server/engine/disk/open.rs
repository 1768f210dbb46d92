//! Opening a data dir: its lock (one process at a time), its database (checked before use,
//! never overwritten when it cannot be read), and its tables.

use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::{
    fs::{self, File},
    io,
    path::{Path, PathBuf},
};

/// The database's file name inside the data dir.
pub const DATABASE: &str = "livedash.db";
/// The lock file's name: held (`flock`) by the process using the data dir.
const LOCK: &str = "livedash.lock";
/// The format this build writes (SQLite's `user_version`).
const FORMAT: i64 = 1;

/// Why a data dir cannot be used: each says which path, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "the data dir {dir} is in use by another livedash process (it holds {lock}); stop \
         that one first, or give this one another --data-dir"
    )]
    Locked { dir: PathBuf, lock: PathBuf },
    #[error(
        "the database {db} cannot be read ({why}); it was left untouched. Move it aside (or \
         restore it from a backup) and start again: without it livedash starts empty"
    )]
    Corrupt { db: PathBuf, why: String },
    #[error("the database {db} cannot be opened: {why}")]
    Unusable { db: PathBuf, why: String },
    #[error(
        "the database {db} was written by a newer livedash (format {found}, this one writes \
         {FORMAT}); run that version, or move the file aside to start empty"
    )]
    Newer { db: PathBuf, found: i64 },
    #[error("the data dir {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// Creates the data dir if needed and takes its lock; the returned file holds the lock for
/// as long as it is open.
pub fn lock(dir: &Path) -> Result<File, OpenError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| OpenError::Io { path, source }
    };
    fs::create_dir_all(dir).map_err(io(dir))?;
    let path = dir.join(LOCK);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(OpenError::Locked {
            dir: dir.to_owned(),
            lock: path,
        }),
        Err(fs::TryLockError::Error(source)) => Err(OpenError::Io { path, source }),
    }
}

/// Opens (or creates) the database, checks it and makes sure its tables exist.
pub fn database(dir: &Path) -> Result<Connection, OpenError> {
    let db = dir.join(DATABASE);
    let corrupt = |e: rusqlite::Error| failure(&db, e);
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&db, flags).map_err(corrupt)?;
    // A file that is not a database fails here, at its first read.
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(corrupt)?;
    if check != "ok" {
        return Err(OpenError::Corrupt { db, why: check });
    }
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(corrupt)?;
    if found > FORMAT {
        return Err(OpenError::Newer { db, found });
    }
    // WAL: a commit appends to the log and syncs it once; FULL: that sync happens on every
    // commit, so a commit that returned survives a crash or power loss. The log is cut back
    // to 16 MiB after each checkpoint, so it does not keep its largest size.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA journal_size_limit = 16777216;
         CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)
             WITHOUT ROWID;
         CREATE TABLE IF NOT EXISTS events (
             seq INTEGER PRIMARY KEY,
             at_ms INTEGER NOT NULL,
             kind TEXT NOT NULL,
             data TEXT NOT NULL
         );
         CREATE TABLE IF NOT EXISTS snapshot (
             id INTEGER PRIMARY KEY CHECK (id = 1),
             seq INTEGER NOT NULL,
             data TEXT NOT NULL
         );",
    )
    .map_err(corrupt)?;
    if found != FORMAT {
        conn.pragma_update(None, "user_version", FORMAT)
            .map_err(corrupt)?;
    }
    Ok(conn)
}

/// A damaged file is `Corrupt` (left alone, for the operator); anything else (no space, no
/// permission) says why the file cannot be used.
pub fn failure(db: &Path, e: rusqlite::Error) -> OpenError {
    let db = db.to_owned();
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => OpenError::Corrupt {
            db,
            why: e.to_string(),
        },
        _ => OpenError::Unusable {
            db,
            why: e.to_string(),
        },
    }
}
