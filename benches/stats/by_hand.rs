//! The figures of the 2024 summary by hand-written SQL (DESIGN §7): one query per source
//! table and range, with conditional aggregation, on the backend's own connection.

use std::collections::BTreeMap;
use std::time::Instant;

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use enforcement::db::DbConn;
use serde_json::{Value, json};

/// The SQL form of "overdue today" (README, cases::store::matching), on `c` with the
/// revocation `r` left-joined.
fn overdue_sql(today: &str) -> String {
    format!(
        "(c.outcome IS NULL AND c.status NOT IN ('closed','archived','transferred','terminated','voided','filing_refused') AND c.decision_due_on < '{today}')
         OR c.decided_on > c.decision_due_on
         OR (c.status = 'decided' AND c.served_on IS NULL AND c.service_due_on < '{today}' AND r.case_id IS NULL)
         OR (c.status IN ('served','decided') AND c.executed_on IS NULL AND c.court_enforcement_applied_on IS NULL
             AND c.fine_amount_fen > 0 AND c.payment_due_on < '{today}' AND r.case_id IS NULL)
         OR (c.filing_acknowledged_on IS NULL AND c.filing_acknowledgement_due_on < '{today}')
         OR (c.handed_over_on IS NULL AND c.handover_due_on < '{today}')
         OR (c.status = 'rectifying' AND c.rectification_deadline < '{today}')"
    )
}

#[derive(QueryableByName, Debug)]
struct Opened {
    #[diesel(sql_type = BigInt)]
    total: i64,
    #[diesel(sql_type = BigInt)]
    inspections: i64,
    #[diesel(sql_type = BigInt)]
    penalties: i64,
    #[diesel(sql_type = BigInt)]
    compliant: i64,
    #[diesel(sql_type = BigInt)]
    violations_found: i64,
    #[diesel(sql_type = BigInt)]
    transfers: i64,
    #[diesel(sql_type = BigInt)]
    overdue: i64,
}

const PENALTY_TYPES: [&str; 12] = [
    "warning",
    "public_criticism",
    "fine",
    "confiscate_illegal_gains",
    "confiscate_property",
    "suspend_license",
    "lower_qualification",
    "revoke_license",
    "restrict_business",
    "suspend_business",
    "close_down",
    "restrict_practice",
];

#[derive(QueryableByName, Debug)]
struct Count {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(QueryableByName, Debug)]
struct Rates {
    #[diesel(sql_type = BigInt)]
    officers: i64,
    #[diesel(sql_type = BigInt)]
    officers_on_cases: i64,
    #[diesel(sql_type = BigInt)]
    powers: i64,
    #[diesel(sql_type = BigInt)]
    powers_cited: i64,
}

#[derive(QueryableByName, Debug)]
struct Disclosed {
    #[diesel(sql_type = BigInt)]
    due: i64,
    #[diesel(sql_type = BigInt)]
    on_time: i64,
    #[diesel(sql_type = BigInt)]
    late: i64,
    #[diesel(sql_type = BigInt)]
    overdue: i64,
}

#[derive(QueryableByName, Debug)]
struct Review {
    #[diesel(sql_type = Nullable<Text>)]
    outcome: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    days: Option<i64>,
}

/// The backend's own connection inside a `DbConn`, used directly (no MultiConnection).
/// The hand-written SQL runs on the connection the in-process summary uses: two SQLite
/// connections of one process share one page cache (the bundled SQLite is built with
/// SQLITE_ENABLE_MEMORY_MANAGEMENT), and alternating them made each evict the other's
/// pages, tripling the in-process figures while the server's stayed put.
pub enum Raw<'a> {
    Pg(&'a mut PgConnection),
    Sqlite(&'a mut SqliteConnection),
}

impl<'a> Raw<'a> {
    pub fn of(conn: &'a mut DbConn) -> Raw<'a> {
        match conn {
            DbConn::Postgresql(pg) => Raw::Pg(pg),
            DbConn::Sqlite(sqlite) => Raw::Sqlite(sqlite),
        }
    }

    fn load<T: QueryableByName<diesel::pg::Pg> + QueryableByName<diesel::sqlite::Sqlite> + 'static>(
        &mut self,
        sql: &str,
    ) -> Vec<T> {
        let started = Instant::now();
        let rows = match self {
            Raw::Pg(pg) => diesel::sql_query(sql).load(*pg),
            Raw::Sqlite(sqlite) => diesel::sql_query(sql).load(*sqlite),
        }
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
        if std::env::var_os("BENCH_SQL_LOG").is_some() {
            let took = started.elapsed().as_secs_f64() * 1000.0;
            eprintln!("-- {took:.1} ms\n{sql};\n{}", self.explain(sql));
        }
        rows
    }
}

#[derive(QueryableByName)]
struct SqlitePlanRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    parent: i32,
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct PgPlanRow {
    #[diesel(sql_type = Text)]
    #[diesel(column_name = "QUERY PLAN")]
    line: String,
}

impl Raw<'_> {
    /// The plan of a statement: EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on
    /// PostgreSQL.
    pub fn explain(&mut self, sql: &str) -> String {
        match self {
            Raw::Pg(pg) => diesel::sql_query(format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"))
                .load::<PgPlanRow>(*pg)
                .map(|rows| rows.into_iter().map(|r| r.line).collect::<Vec<_>>().join("\n"))
                .unwrap_or_else(|e| format!("{e}")),
            Raw::Sqlite(sqlite) => diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load::<SqlitePlanRow>(*sqlite)
                .map(|rows| {
                    rows.into_iter()
                        .map(|r| format!("{:>3} {:>3} {}", r.id, r.parent, r.detail))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_else(|e| format!("{e}")),
        }
    }
}

/// Every figure of the summary, by hand, as the JSON paths of `Summary`.
pub fn by_hand(conn: &mut DbConn, agency: &str, (from, to): (&str, &str), today: &str) -> BTreeMap<String, Value> {
    let raw = &mut Raw::of(conn);
    let mut figures = BTreeMap::new();
    let overdue = overdue_sql(today);
    let opened: Vec<Opened> = raw.load(&format!(
        "SELECT count(*) AS total,
                count(CASE WHEN c.kind = 'inspection' THEN 1 END) AS inspections,
                count(CASE WHEN c.kind = 'penalty' THEN 1 END) AS penalties,
                count(CASE WHEN c.kind = 'inspection' AND c.inspection_result = 'compliant' THEN 1 END) AS compliant,
                count(CASE WHEN c.kind = 'inspection' AND c.inspection_result = 'violations_found' THEN 1 END) AS violations_found,
                count(c.transferred_to) AS transfers,
                count(CASE WHEN {overdue} THEN 1 END) AS overdue
         FROM cases c LEFT JOIN case_revocations r ON r.case_id = c.id
         WHERE c.agency_id = '{agency}' AND c.opened_on BETWEEN '{from}' AND '{to}' AND c.status <> 'voided'"
    ));
    let o = &opened[0];
    for (path, value) in [
        ("cases_total", o.total),
        ("inspection_cases", o.inspections),
        ("penalty_cases", o.penalties),
        ("inspections_by_result.compliant", o.compliant),
        ("inspections_by_result.violations_found", o.violations_found),
        ("transfers", o.transfers),
        ("overdue_cases", o.overdue),
    ] {
        figures.insert(path.to_string(), json!(value));
    }

    // The period's penalty decisions: standing ones by procedure and type, the revoked.
    let standing = "r.case_id IS NULL";
    let mut columns = vec![
        format!("count(CASE WHEN {standing} THEN 1 END) AS \"penalty_decisions.total\""),
        "count(r.case_id) AS \"penalty_decisions.revoked\"".to_string(),
        format!(
            "CAST(COALESCE(sum(CASE WHEN {standing} AND c.fine_amount_fen > 0 THEN c.fine_amount_fen END), 0) AS BIGINT) AS fines_total_fen"
        ),
    ];
    for procedure in ["simple", "ordinary"] {
        columns.push(format!(
            "count(CASE WHEN {standing} AND c.procedure = '{procedure}' THEN 1 END) AS \"penalty_decisions.by_procedure.{procedure}\""
        ));
    }
    for kind in PENALTY_TYPES {
        columns.push(format!(
            "count(CASE WHEN {standing} AND c.penalties LIKE '%\"type\":\"{kind}\"%' THEN 1 END) AS \"penalty_decisions.by_type.{kind}\""
        ));
    }
    // Unpivoted so one row type reads every column: (name, count) pairs.
    let decided = format!(
        "SELECT {} FROM cases c LEFT JOIN case_revocations r ON r.case_id = c.id
         WHERE c.agency_id = '{agency}' AND c.decided_on BETWEEN '{from}' AND '{to}' AND c.outcome = 'penalty'",
        columns.join(", ")
    );
    let names: Vec<String> = columns
        .iter()
        .map(|c| c.rsplit_once(" AS ").unwrap().1.trim_matches('"').to_string())
        .collect();
    let unpivot: Vec<String> = names
        .iter()
        .map(|n| format!("SELECT '{n}' AS name, d.\"{n}\" AS count FROM d"))
        .collect();
    for row in raw.load::<Count>(&format!("WITH d AS ({decided}) {}", unpivot.join(" UNION ALL "))) {
        figures.insert(row.name, json!(row.count));
    }

    // Hazards: findings of the period's cases by level and rectification.
    let hazards: Vec<Count> = raw.load(&format!(
        "SELECT f.hazard_level || CASE WHEN f.rectified THEN '.rectified' ELSE '.open' END AS name, count(*) AS count
         FROM case_findings f JOIN cases c ON c.id = f.case_id
         WHERE c.agency_id = '{agency}' AND c.opened_on BETWEEN '{from}' AND '{to}' AND c.status <> 'voided'
           AND f.hazard_level IN ('general', 'major')
         GROUP BY f.hazard_level, f.rectified"
    ));
    for level in ["general", "major"] {
        let of = |state: &str| {
            hazards
                .iter()
                .find(|h| h.name == format!("{level}.{state}"))
                .map_or(0, |h| h.count)
        };
        figures.insert(format!("hazards.{level}.found"), json!(of("rectified") + of("open")));
        figures.insert(format!("hazards.{level}.rectified"), json!(of("rectified")));
    }

    // Officers certified in the period named on its cases; powers in force cited: the
    // registers' sets intersected with the period's officers and powers.
    let certified =
        format!("u.roles LIKE '%officer%' AND u.certificate_no IS NOT NULL AND u.certificate_expires_on >= '{from}'");
    let in_force = format!(
        "v.agency_id = '{agency}' AND v.effective_from <= '{to}' AND (v.effective_to IS NULL OR v.effective_to >= '{from}')"
    );
    let period =
        format!("c.agency_id = '{agency}' AND c.opened_on BETWEEN '{from}' AND '{to}' AND c.status <> 'voided'");
    // The period's distinct officers and powers, INTERSECTed with the registers' sets.
    // Written as `IN` or a join, SQLite 3.50 pushes the 110 powers into the scan of the
    // period's links (8M probes); without the inner DISTINCT, PostgreSQL runs the
    // set operation on every link row, unparallelised.
    let rates: Vec<Rates> = raw.load(&format!(
        "SELECT (SELECT count(*) FROM users u WHERE u.agency_id = '{agency}' AND {certified}) AS officers,
                (SELECT count(*) FROM (SELECT u.id FROM users u WHERE u.agency_id = '{agency}' AND {certified}
                                       INTERSECT
                                       SELECT o.user_id FROM (SELECT DISTINCT co.user_id FROM cases c
                                                              JOIN case_officers co ON co.case_id = c.id
                                                              WHERE {period}) o) x) AS officers_on_cases,
                (SELECT count(DISTINCT v.power_id) FROM power_versions v WHERE {in_force}) AS powers,
                (SELECT count(*) FROM (SELECT v.power_id FROM power_versions v WHERE {in_force}
                                       INTERSECT
                                       SELECT p.power_id FROM (SELECT DISTINCT cp.power_id FROM cases c
                                                               JOIN case_powers cp ON cp.case_id = c.id
                                                               WHERE {period}) p) y) AS powers_cited"
    ));
    let r = &rates[0];
    figures.insert("officer_participation.count".into(), json!(r.officers_on_cases));
    figures.insert("officer_participation.total".into(), json!(r.officers));
    figures.insert("power_performance.count".into(), json!(r.powers_cited));
    figures.insert("power_performance.total".into(), json!(r.powers));

    // 事后公示 due in the period: published on time, late, pending past the due date.
    let disclosed: Vec<Disclosed> = raw.load(&format!(
        "SELECT count(*) AS due,
                count(CASE WHEN published_on <= due_on THEN 1 END) AS on_time,
                count(CASE WHEN published_on > due_on THEN 1 END) AS late,
                count(CASE WHEN published_on IS NULL AND status = 'pending' AND due_on < '{today}' THEN 1 END) AS overdue
         FROM disclosures
         WHERE agency_id = '{agency}' AND due_on BETWEEN '{from}' AND '{to}' AND status <> 'exempt'"
    ));
    let d = &disclosed[0];
    for (path, value) in [
        ("disclosures.due", d.due),
        ("disclosures.published_on_time", d.on_time),
        ("disclosures.published_late", d.late),
        ("disclosures.pending_overdue", d.overdue),
    ] {
        figures.insert(path.to_string(), json!(value));
    }

    // Legal reviews signed in the period; pending at its end; the median days.
    let days = match raw {
        Raw::Pg(_) => "CAST(reviewed_on - submitted_on AS BIGINT)",
        Raw::Sqlite(_) => "CAST(julianday(reviewed_on) - julianday(submitted_on) AS INTEGER)",
    };
    let reviews: Vec<Review> = raw.load(&format!(
        "SELECT outcome, {days} AS days FROM legal_reviews
         WHERE agency_id = '{agency}' AND reviewed_on BETWEEN '{from}' AND '{to}'
         UNION ALL
         SELECT 'pending_at_end', count(*) FROM legal_reviews
         WHERE agency_id = '{agency}' AND submitted_on <= '{to}' AND (reviewed_on IS NULL OR reviewed_on > '{to}')"
    ));
    let mut by_outcome: BTreeMap<&str, i64> = [("approved", 0), ("needs_changes", 0), ("rejected", 0)].into();
    let mut spans = Vec::new();
    for review in &reviews {
        match review.outcome.as_deref() {
            Some("pending_at_end") => {
                figures.insert("legal_reviews.pending_at_end".into(), json!(review.days.unwrap_or(0)));
            }
            outcome => {
                if let Some(count) = outcome.and_then(|o| by_outcome.get_mut(o)) {
                    *count += 1;
                }
                spans.extend(review.days);
            }
        }
    }
    for (outcome, count) in by_outcome {
        figures.insert(format!("legal_reviews.by_outcome.{outcome}"), json!(count));
    }
    figures.insert(
        "legal_reviews.median_days_to_opinion".into(),
        json!(enforcement::stats::model::median(spans)),
    );
    figures
}

/// The figures of a summary that differ from the hand-written ones: (path, service, hand).
pub fn mismatches(summary: &Value, hand: &BTreeMap<String, Value>) -> Vec<(String, Value, Value)> {
    hand.iter()
        .filter_map(|(path, expected)| {
            let actual = path.split('.').fold(summary, |v, key| &v[key]);
            let same = match (actual.as_f64(), expected.as_f64()) {
                (Some(a), Some(e)) => a == e,
                _ => actual == expected,
            };
            (!same).then(|| (path.clone(), actual.clone(), expected.clone()))
        })
        .collect()
}
