//! What must hold after a crash or an outage: through the API, every acknowledged case is
//! there with at least what was acknowledged, and its record verifies; in the database, no
//! case lacks its first event, no event lacks its case, no record has a hole, every chain
//! verifies, and case numbers run 1..N.

use std::collections::HashMap;

use diesel::RunQueryDsl;
use diesel::sql_types::BigInt;
use enforcement::db::DbConn;
use futures_util::StreamExt;
use serde_json::Value;

use crate::service::Database;
use crate::workload::Ack;

#[derive(Debug, Default, Clone)]
pub struct Findings {
    pub acked_cases: usize,
    pub acked_operations: usize,
    /// Acknowledged cases the API does not find.
    pub lost_cases: usize,
    /// Acknowledged cases found with a lower version or a shorter record than acknowledged.
    pub lost_operations: usize,
    /// Acknowledged cases whose record does not verify through the API.
    pub unverified: usize,
    pub cases_in_database: i64,
    pub cases_without_first_event: i64,
    pub events_without_case: i64,
    /// Records whose length differs from their last seq.
    pub records_with_holes: i64,
    /// Chains (all cases in the database) that do not verify.
    pub bad_chains: usize,
    /// (agency, kind, year) sequences whose numbers are not exactly 1..N.
    pub number_gaps: i64,
    /// Messages for anything above that is not zero.
    pub notes: Vec<String>,
}

impl Findings {
    pub fn clean(&self) -> bool {
        self.lost_cases == 0
            && self.lost_operations == 0
            && self.unverified == 0
            && self.cases_without_first_event == 0
            && self.events_without_case == 0
            && self.records_with_holes == 0
            && self.bad_chains == 0
            && self.number_gaps == 0
    }
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut DbConn, sql: &str) -> i64 {
    let query = diesel::sql_query(sql);
    match conn {
        DbConn::Postgresql(conn) => query.get_result::<Count>(conn),
        DbConn::Sqlite(conn) => query.get_result::<Count>(conn),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
    .n
}

/// The database checks, on a connection of its own.
pub fn database(database: &Database, findings: &mut Findings) {
    use diesel::QueryDsl;
    use enforcement::db::schema::cases;
    let mut conn = database.connect();
    findings.cases_in_database = count(&mut conn, "SELECT COUNT(*) AS n FROM cases");
    findings.cases_without_first_event = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM cases c WHERE NOT EXISTS \
         (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.seq = 1)",
    );
    findings.events_without_case = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM case_events e WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id)",
    );
    findings.records_with_holes = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM (SELECT case_id FROM case_events GROUP BY case_id \
         HAVING COUNT(*) <> MAX(seq) OR MIN(seq) <> 1) holes",
    );
    findings.number_gaps = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM (SELECT agency_id, kind, number_year FROM cases \
         GROUP BY agency_id, kind, number_year \
         HAVING COUNT(*) <> MAX(number_seq) OR COUNT(DISTINCT number_seq) <> COUNT(*)) gaps",
    );
    let ids: Vec<String> = cases::table.select(cases::id).load(&mut conn).unwrap();
    for id in ids {
        let events = enforcement::record::store::events(&mut conn, &id).unwrap();
        let verification = enforcement::record::chain::verify(&events);
        if !verification.valid {
            findings.bad_chains += 1;
            findings.notes.push(format!(
                "case {id}: chain breaks at seq {:?}",
                verification.first_bad_seq
            ));
        }
    }
    for (what, n) in [
        ("cases without their first event", findings.cases_without_first_event),
        ("events without their case", findings.events_without_case),
        ("records with a hole", findings.records_with_holes),
        ("number sequences not 1..N", findings.number_gaps),
    ] {
        if n != 0 {
            findings.notes.push(format!("{n} {what}"));
        }
    }
}

/// Through the API: every acknowledged case, its version and its record.
pub async fn acknowledged(base: &str, token: &str, acks: &HashMap<String, Ack>, findings: &mut Findings) {
    let client = reqwest::Client::new();
    findings.acked_cases = acks.len();
    findings.acked_operations = acks.values().map(|a| a.operations).sum();
    let results: Vec<Result<(), String>> = futures_util::stream::iter(acks.iter())
        .map(|(id, ack)| {
            let client = client.clone();
            async move {
                let get = |path: String| {
                    let client = client.clone();
                    async move {
                        let response = client
                            .get(path)
                            .bearer_auth(token)
                            .send()
                            .await
                            .map_err(|e| e.to_string())?;
                        let status = response.status().as_u16();
                        let body: Value = response.json().await.unwrap_or(Value::Null);
                        Ok::<_, String>((status, body))
                    }
                };
                let (status, case) = get(format!("{base}/api/v1/cases/{id}")).await?;
                if status == 404 {
                    return Err(format!("lost case {id}"));
                }
                if status != 200 {
                    return Err(format!("case {id}: {status} {case}"));
                }
                let (_, verify) = get(format!("{base}/api/v1/cases/{id}/record/verify")).await?;
                let version = case["version"].as_i64().unwrap_or(-1);
                let length = verify["length"].as_u64().unwrap_or(0) as usize;
                if verify["valid"] != Value::Bool(true) {
                    return Err(format!("unverified case {id}: {verify}"));
                }
                if version < ack.version || length < ack.operations {
                    return Err(format!(
                        "lost operations of case {id}: version {version} < {} or record {length} < {}",
                        ack.version, ack.operations
                    ));
                }
                Ok(())
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    for error in results.into_iter().filter_map(Result::err) {
        if error.starts_with("lost case") {
            findings.lost_cases += 1;
        } else if error.starts_with("unverified") {
            findings.unverified += 1;
        } else {
            findings.lost_operations += 1;
        }
        findings.notes.push(error);
    }
}
