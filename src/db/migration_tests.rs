//! Migrations run one at a time over data written by the earlier ones: what a deployed
//! database goes through on upgrade. SQLite always; PostgreSQL too when
//! TEST_DATABASE_URL=postgres://… names a server (a throw-away database is created on it).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_migrations::MigrationHarness;

use super::{DatabaseUrl, DbConn, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS, establish};
use crate::db::schema::{cases, subjects};
use crate::subjects::store::SubjectRow;

const INDIVIDUAL_BUSINESS: &str = "2026-11-29-000004_individual_business";

fn next_pending(conn: &mut DbConn) -> Option<String> {
    match conn {
        DbConn::Sqlite(c) => c
            .pending_migrations(SQLITE_MIGRATIONS)
            .unwrap()
            .first()
            .map(|m| m.name().to_string()),
        DbConn::Postgresql(c) => c
            .pending_migrations(POSTGRES_MIGRATIONS)
            .unwrap()
            .first()
            .map(|m| m.name().to_string()),
    }
}

fn run_next(conn: &mut DbConn) -> Result<(), String> {
    match conn {
        DbConn::Sqlite(c) => c.run_next_migration(SQLITE_MIGRATIONS).map(|_| ()),
        DbConn::Postgresql(c) => c.run_next_migration(POSTGRES_MIGRATIONS).map(|_| ()),
    }
    .map_err(|e| e.to_string())
}

fn revert_last(conn: &mut DbConn) -> Result<(), String> {
    match conn {
        DbConn::Sqlite(c) => c.revert_last_migration(SQLITE_MIGRATIONS).map(|_| ()),
        DbConn::Postgresql(c) => c.revert_last_migration(POSTGRES_MIGRATIONS).map(|_| ()),
    }
    .map_err(|e| e.to_string())
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Everything the migration must keep: every subject column, and which case points where.
fn snapshot(conn: &mut DbConn) -> (String, Vec<(String, String)>) {
    let subjects: Vec<SubjectRow> = subjects::table
        .select(SubjectRow::as_select())
        .order(subjects::id)
        .load(conn)
        .unwrap();
    let cases: Vec<(String, String)> = cases::table
        .select((cases::id, cases::subject_id))
        .order(cases::id)
        .load(conn)
        .unwrap();
    (format!("{subjects:?}"), cases)
}

fn subject_indexes(conn: &mut DbConn) -> Vec<String> {
    let query = match conn.backend() {
        super::Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'subjects' ORDER BY name"
        }
        super::Backend::Postgres => {
            "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'subjects' ORDER BY indexname"
        }
    };
    let names: Vec<Name> = diesel::sql_query(query).load(conn).unwrap();
    names.into_iter().map(|n| n.name).collect()
}

fn insert_subject(conn: &mut DbConn, id: &str, kind: &str, uscc: Option<&str>) -> QueryResult<usize> {
    let uscc = uscc.map_or("NULL".to_string(), |u| format!("'{u}'"));
    diesel::sql_query(format!(
        "INSERT INTO subjects (id, agency_id, kind, name, uscc, created_at, updated_at)
         VALUES ('{id}', 'a1', '{kind}', '某个体户', {uscc}, '2026-11-29 09:00:00', '2026-11-29 09:00:00')"
    ))
    .execute(conn)
}

/// Upgrades a database that holds subjects and cases about them across the migration that
/// rebuilds (SQLite) or re-constrains (PostgreSQL) `subjects`, and back.
fn individual_business_migration_keeps_subjects_and_their_cases(conn: &mut DbConn) {
    while next_pending(conn).is_some_and(|next| next.as_str() < INDIVIDUAL_BUSINESS) {
        run_next(conn).unwrap();
    }
    assert_eq!(next_pending(conn).as_deref(), Some(INDIVIDUAL_BUSINESS));

    conn.batch_execute(
        "INSERT INTO agencies (id, code, name, case_prefix, created_at)
             VALUES ('a1', 'XF', '学府街道办事处', '学府', '2026-11-28 08:00:00');
         INSERT INTO users (id, agency_id, username, display_name, password_hash, roles, created_at, updated_at)
             VALUES ('u1', 'a1', 'li.si', '李四', 'x', 'officer', '2026-11-28 08:00:00', '2026-11-28 08:00:00');
         INSERT INTO subjects (id, agency_id, kind, name, uscc, id_card_no, legal_representative, address,
                               industry, risk_level, contact_phone, created_at, updated_at)
             VALUES ('s1', 'a1', 'enterprise', '福州某某科技有限公司', '91350100M000100Y43', NULL, '王五',
                     '学府街1号', '信息技术', 'medium', '02885123456', '2026-11-28 09:00:00.123456',
                     '2026-11-28 10:30:00'),
                    ('s2', 'a1', 'individual', '张三', NULL, '11010519491231002X', NULL, NULL, NULL, NULL,
                     '13812345678', '2026-11-28 09:05:00', '2026-11-28 09:05:00');
         INSERT INTO cases (id, agency_id, kind, case_number, number_year, number_seq, status, subject_id,
                            summary, source, opened_on, version, created_at, created_by, updated_at)
             VALUES ('c1', 'a1', 'penalty', '学府罚〔2026〕1号', 2026, 1, 'filed', 's2', '占道经营', 'inspection',
                     '2026-11-28', 1, '2026-11-28 11:00:00', 'u1', '2026-11-28 11:00:00'),
                    ('c2', 'a1', 'inspection', '学府检〔2026〕1号', 2026, 1, 'open', 's1', '消防检查', 'plan',
                     '2026-11-28', 1, '2026-11-28 11:00:00', 'u1', '2026-11-28 11:00:00'),
                    ('c3', 'a1', 'inspection', '学府检〔2026〕2号', 2026, 2, 'open', 's2', '复查', 'plan',
                     '2026-11-28', 1, '2026-11-28 11:00:00', 'u1', '2026-11-28 11:00:00');",
    )
    .unwrap();
    assert!(
        insert_subject(conn, "early", "individual_business", None).is_err(),
        "the old CHECK refuses the new kind"
    );
    let before = snapshot(conn);
    assert_eq!(before.1.len(), 3);
    let indexes = subject_indexes(conn);

    run_next(conn).unwrap();

    assert_eq!(snapshot(conn), before, "every subject and case survives, unchanged");
    assert_eq!(subject_indexes(conn), indexes, "the indexes are back");
    insert_subject(conn, "s3", "individual_business", Some("92120104MA05K3LP2N")).unwrap();
    assert!(
        insert_subject(conn, "s4", "company", None).is_err(),
        "other kinds stay refused"
    );
    assert!(
        insert_subject(conn, "s5", "enterprise", Some("91350100M000100Y43")).is_err(),
        "(agency, uscc) stays unique"
    );
    // The foreign keys still bind: a subject with cases cannot go, a case needs a subject.
    assert!(
        diesel::sql_query("DELETE FROM subjects WHERE id = 's2'")
            .execute(conn)
            .is_err()
    );
    assert!(
        diesel::sql_query("UPDATE cases SET subject_id = 'nobody' WHERE id = 'c1'")
            .execute(conn)
            .is_err()
    );
    if conn.backend() == super::Backend::Sqlite {
        let violations: Count = diesel::sql_query("SELECT COUNT(*) AS n FROM pragma_foreign_key_check")
            .get_result(conn)
            .unwrap();
        assert_eq!(violations.n, 0);
    }

    // Down refuses while a 个体工商户 is registered, and changes nothing.
    let error = revert_last(conn).unwrap_err();
    assert!(error.to_lowercase().contains("check"), "{error}");
    assert_ne!(
        next_pending(conn).as_deref(),
        Some(INDIVIDUAL_BUSINESS),
        "still applied"
    );
    let with_s3: i64 = subjects::table.count().get_result(conn).unwrap();
    assert_eq!(with_s3, 3);
    diesel::sql_query("DELETE FROM subjects WHERE id = 's3'")
        .execute(conn)
        .unwrap();
    revert_last(conn).unwrap();
    assert_eq!(next_pending(conn).as_deref(), Some(INDIVIDUAL_BUSINESS));
    assert_eq!(snapshot(conn), before, "down keeps the data too");
    assert!(insert_subject(conn, "s6", "individual_business", None).is_err());
    while next_pending(conn).is_some() {
        run_next(conn).unwrap();
    }
    assert_eq!(snapshot(conn), before);
}

#[test]
fn sqlite_individual_business_migration_keeps_subjects_and_their_cases() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse(&dir.path().join("upgrade.db").to_string_lossy()).unwrap();
    // `establish` turns foreign keys on, as for every connection of the app.
    let mut conn = establish(&url).unwrap();
    let on: Count = diesel::sql_query("SELECT foreign_keys AS n FROM pragma_foreign_keys")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(on.n, 1);
    individual_business_migration_keeps_subjects_and_their_cases(&mut conn);
}

/// A database on the TEST_DATABASE_URL server, dropped at the end.
struct ThrowAwayPg {
    server_url: String,
    name: String,
}

impl Drop for ThrowAwayPg {
    fn drop(&mut self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.server_url) {
            let _ =
                diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name)).execute(&mut conn);
        }
    }
}

/// A connection to a new database on the TEST_DATABASE_URL server (dropped with the
/// guard), or `None` when no server is named.
fn throw_away_pg() -> Option<(DbConn, ThrowAwayPg)> {
    let server_url = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let name = format!("enf_migr_{}", uuid::Uuid::now_v7().simple());
    let mut server = diesel::PgConnection::establish(&server_url)
        .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}"));
    diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
        .execute(&mut server)
        .unwrap();
    let guard = ThrowAwayPg {
        server_url: server_url.clone(),
        name: name.clone(),
    };
    // postgres://user@host:port/db?params → the same server, the new database.
    let (base, query) = server_url.split_once('?').unwrap_or((&server_url, ""));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    let url = if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    };
    Some((establish(&DatabaseUrl::parse(&url).unwrap()).unwrap(), guard))
}

#[test]
fn postgres_individual_business_migration_keeps_subjects_and_their_cases() {
    let Some((mut conn, guard)) = throw_away_pg() else {
        return;
    };
    individual_business_migration_keeps_subjects_and_their_cases(&mut conn);
    drop(conn);
    drop(guard);
}

const CASE_RULES: &str = "2026-11-29-000005_case_rules";

#[derive(QueryableByName, Debug, PartialEq)]
struct Lists {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    notice_penalties: String,
    #[diesel(sql_type = Text)]
    penalties: String,
}

/// Notices and decisions made before penalties became lists keep what they said: the
/// old single type (renamed to its list type) with its fine.
fn case_rules_migration_turns_old_notices_into_lists(conn: &mut DbConn) {
    while next_pending(conn).is_some_and(|next| next.as_str() < CASE_RULES) {
        run_next(conn).unwrap();
    }
    assert_eq!(next_pending(conn).as_deref(), Some(CASE_RULES));
    conn.batch_execute(
        "INSERT INTO agencies (id, code, name, case_prefix, created_at)
             VALUES ('a1', 'XF', '学府街道办事处', '学府', '2026-11-28 08:00:00');
         INSERT INTO users (id, agency_id, username, display_name, password_hash, roles, created_at, updated_at)
             VALUES ('u1', 'a1', 'li.si', '李四', 'x', 'officer', '2026-11-28 08:00:00', '2026-11-28 08:00:00');
         INSERT INTO subjects (id, agency_id, kind, name, created_at, updated_at)
             VALUES ('s1', 'a1', 'enterprise', '某公司', '2026-11-28 09:00:00', '2026-11-28 09:00:00');
         INSERT INTO cases (id, agency_id, kind, case_number, number_year, number_seq, status, subject_id,
                            summary, source, opened_on, version, created_at, created_by, updated_at,
                            notice_decision_type, notice_fine_fen, decision_type, fine_amount_fen, outcome)
             VALUES ('c1', 'a1', 'penalty', '学府罚〔2026〕1号', 2026, 1, 'decided', 's1', '占道', 'routine',
                     '2026-11-01', 3, '2026-11-28 11:00:00', 'u1', '2026-11-28 11:00:00',
                     'fine', 50000, 'fine', 30000, 'penalty'),
                    ('c2', 'a1', 'penalty', '学府罚〔2026〕2号', 2026, 2, 'notified', 's1', '无证', 'routine',
                     '2026-11-01', 2, '2026-11-28 11:00:00', 'u1', '2026-11-28 11:00:00',
                     'revocation', 20000, NULL, NULL, NULL),
                    ('c3', 'a1', 'penalty', '学府罚〔2026〕3号', 2026, 3, 'filed', 's1', '乱堆', 'routine',
                     '2026-11-01', 1, '2026-11-28 11:00:00', 'u1', '2026-11-28 11:00:00',
                     NULL, NULL, NULL, NULL, NULL);",
    )
    .unwrap();
    run_next(conn).unwrap();
    let rows: Vec<Lists> = diesel::sql_query("SELECT id, notice_penalties, penalties FROM cases ORDER BY id")
        .load(conn)
        .unwrap();
    let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    let lists: Vec<(String, serde_json::Value, serde_json::Value)> = rows
        .iter()
        .map(|r| (r.id.clone(), json(&r.notice_penalties), json(&r.penalties)))
        .collect();
    assert_eq!(
        lists,
        vec![
            (
                "c1".into(),
                serde_json::json!([{"type": "fine", "amount_fen": 50000}]),
                serde_json::json!([{"type": "fine", "amount_fen": 30000}])
            ),
            (
                "c2".into(),
                serde_json::json!([{"type": "fine", "amount_fen": 20000}, {"type": "revoke_license"}]),
                serde_json::json!([])
            ),
            ("c3".into(), serde_json::json!([]), serde_json::json!([])),
        ]
    );
    // The app reads them back as the domain's lists (once the later migrations ran too).
    while next_pending(conn).is_some() {
        run_next(conn).unwrap();
    }
    let loaded = crate::cases::store::load(conn, "a1", "c1").unwrap().unwrap().0;
    assert_eq!(loaded.fine_amount_fen(), Some(30000));
}

#[test]
fn sqlite_case_rules_migration_turns_old_notices_into_lists() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse(&dir.path().join("upgrade.db").to_string_lossy()).unwrap();
    let mut conn = establish(&url).unwrap();
    case_rules_migration_turns_old_notices_into_lists(&mut conn);
}

#[test]
fn postgres_case_rules_migration_turns_old_notices_into_lists() {
    let Some((mut conn, guard)) = throw_away_pg() else {
        return;
    };
    case_rules_migration_turns_old_notices_into_lists(&mut conn);
    drop(conn);
    drop(guard);
}
