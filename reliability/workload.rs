//! The load: clients that open inspection cases and take each through its steps (start,
//! record the findings, close), remembering what the service acknowledged — the case and
//! how far it got — and how every request ended.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What the service acknowledged (a 2xx) for one case.
#[derive(Debug, Clone, Copy)]
pub struct Ack {
    /// The case's version in the last acknowledged answer.
    pub version: i64,
    /// Operations acknowledged: the creation and each step; each appends a record event.
    pub operations: usize,
}

/// How one request ended.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    /// When it was sent, from the start of the load.
    pub sent: Duration,
    pub latency: Duration,
    /// `None`: no HTTP answer (connection refused or reset, or the client's timeout).
    pub status: Option<u16>,
}

#[derive(Clone, Default)]
pub struct Record {
    pub acks: Arc<Mutex<HashMap<String, Ack>>>,
    pub outcomes: Arc<Mutex<Vec<Outcome>>>,
}

impl Record {
    pub fn acks(&self) -> HashMap<String, Ack> {
        self.acks.lock().unwrap().clone()
    }

    pub fn outcomes(&self) -> Vec<Outcome> {
        self.outcomes.lock().unwrap().clone()
    }
}

/// Who takes a step.
#[derive(Debug, Clone, Copy)]
enum Actor {
    Officer,
    Head,
}

/// The steps after opening, in order, as DESIGN §8 spells them: the head's approval of the
/// inspection of an enterprise (国办发〔2024〕54号 五), then the officers' visit.
fn steps(approval: &Value) -> [(Actor, Value); 4] {
    [
        (Actor::Head, approval.clone()),
        (
            Actor::Officer,
            json!({"action": "start", "credentials_shown": true, "location": "学府街道 红旗南路 18 号", "code_presented": true}),
        ),
        (
            Actor::Officer,
            json!({"action": "record_findings", "result": "compliant"}),
        ),
        (Actor::Officer, json!({"action": "close"})),
    ]
}

/// The load's callers and bodies.
#[derive(Debug, Clone)]
pub struct Script {
    pub officer_token: String,
    pub head_token: String,
    pub case_body: Value,
    pub approval_body: Value,
}

impl Script {
    pub fn of(world: &crate::common::CaseWorld) -> Script {
        Script {
            officer_token: world.officer_token.clone(),
            head_token: world.head_token.clone(),
            case_body: world.case_body.clone(),
            approval_body: world.approval_body.clone(),
        }
    }
}

/// Runs `clients` loops of open-and-walk until `stop` is set. Requests time out after
/// `request_timeout` (a hang shows as an outcome without status at that latency).
pub struct Load {
    pub record: Record,
    pub stop: Arc<AtomicBool>,
    pub started: Instant,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    pub fn start(base: &str, script: &Script, clients: usize, request_timeout: Duration) -> Load {
        let record = Record::default();
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let client = reqwest::Client::builder().timeout(request_timeout).build().unwrap();
        let tasks = (0..clients)
            .map(|_| {
                let worker = Worker {
                    client: client.clone(),
                    base: base.to_string(),
                    script: script.clone(),
                    record: record.clone(),
                    started,
                };
                let stop = stop.clone();
                tokio::spawn(async move { worker.run(&stop).await })
            })
            .collect();
        Load {
            record,
            stop,
            started,
            tasks,
        }
    }

    /// Stops the clients and waits for their last requests to end.
    pub async fn finish(self) -> Record {
        self.stop.store(true, Ordering::SeqCst);
        for task in self.tasks {
            let _ = task.await;
        }
        self.record
    }
}

struct Worker {
    client: reqwest::Client,
    base: String,
    script: Script,
    record: Record,
    started: Instant,
}

impl Worker {
    /// One request; its outcome is recorded; answers status and body when it had one.
    async fn send(&self, actor: Actor, path: &str, body: &Value) -> Option<(u16, Value)> {
        let token = match actor {
            Actor::Officer => &self.script.officer_token,
            Actor::Head => &self.script.head_token,
        };
        let sent = Instant::now();
        let result = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await;
        let answer = match result {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.json::<Value>().await.unwrap_or(Value::Null);
                Some((status, body))
            }
            Err(_) => None,
        };
        self.record.outcomes.lock().unwrap().push(Outcome {
            sent: sent - self.started,
            latency: sent.elapsed(),
            status: answer.as_ref().map(|a| a.0),
        });
        answer
    }

    async fn run(&self, stop: &AtomicBool) {
        'cases: while !stop.load(Ordering::SeqCst) {
            let Some((201, case)) = self.send(Actor::Officer, "/api/v1/cases", &self.script.case_body).await else {
                // Refused, failed or unanswered: back off a little, as a client would.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            };
            let (Some(id), Some(version)) = (case["id"].as_str(), case["version"].as_i64()) else {
                panic!("a 201 without id and version: {case}");
            };
            let id = id.to_string();
            let mut ack = Ack { version, operations: 1 };
            self.record.acks.lock().unwrap().insert(id.clone(), ack);
            for (actor, step) in steps(&self.script.approval_body) {
                if stop.load(Ordering::SeqCst) {
                    break 'cases;
                }
                match self
                    .send(actor, &format!("/api/v1/cases/{id}/transitions"), &step)
                    .await
                {
                    Some((200, case)) => {
                        ack = Ack {
                            version: case["version"].as_i64().unwrap_or(ack.version),
                            operations: ack.operations + 1,
                        };
                        self.record.acks.lock().unwrap().insert(id.clone(), ack);
                    }
                    _ => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue 'cases;
                    }
                }
            }
        }
    }
}
