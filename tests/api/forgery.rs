//! Forged, stale and misplaced access tokens (issue 14, item 6): `alg: none`, another key,
//! algorithm confusion, expired, not yet valid, another issuer or audience, no `exp`, a
//! tampered payload, a token in the query string. Every one is 401, and no token — valid
//! or forged — reaches the server's log.
//!
//! Each forged token is built from the claims of a real session and differs from a token
//! the server accepts in exactly the one thing the case names; `a_faithful_copy_is_accepted`
//! checks that the forger, left alone, makes tokens the server takes, so that the 401s come
//! from the forgery and not from a broken forger.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cli::{INIT_XF, Served, database_url, enforcement};
use crate::helpers::{TestApp, expect_problem, fresh_database, init_logging, json_of, spawn_app};

/// Builds tokens from the claims of a real access token, signed with `secret` unless a
/// case says otherwise.
struct Forger {
    secret: Vec<u8>,
    claims: Value,
    /// The real token the claims come from.
    genuine: String,
}

fn encode_segment(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Forger {
    fn new(secret: &[u8], genuine: &str) -> Self {
        let payload = genuine.split('.').nth(1).unwrap();
        let claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        Forger {
            secret: secret.to_vec(),
            claims,
            genuine: genuine.to_string(),
        }
    }

    /// The real claims with `changes` applied: a field set to null is removed.
    fn claims_with(&self, changes: Value) -> Value {
        let mut claims = self.claims.clone();
        for (field, value) in changes.as_object().unwrap() {
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(field);
            } else {
                claims[field] = value.clone();
            }
        }
        claims
    }

    /// `header_alg` in the header, the signature made with `algorithm` and `key`.
    fn sign(&self, header_alg: &str, algorithm: Algorithm, key: &[u8], claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            encode_segment(&json!({"alg": header_alg, "typ": "JWT"})),
            encode_segment(claims)
        );
        let signature =
            jsonwebtoken::crypto::sign(input.as_bytes(), &EncodingKey::from_secret(key), algorithm).unwrap();
        format!("{input}.{signature}")
    }

    /// Signed as the server signs (HS256, its secret), with changed claims.
    fn honest(&self, changes: Value) -> String {
        self.sign("HS256", Algorithm::HS256, &self.secret, &self.claims_with(changes))
    }

    /// Every forgery, named.
    fn forgeries(&self, other_user_id: &str) -> Vec<(&'static str, String)> {
        let payload = encode_segment(&self.claims);
        let genuine_signature = self.genuine.rsplit('.').next().unwrap().to_string();
        let unsigned = |alg: &str| format!("{}.{payload}.", encode_segment(&json!({"alg": alg, "typ": "JWT"})));
        let claims = self.claims_with(json!({}));
        let tampered = |changes: Value| {
            format!(
                "{}.{}.{genuine_signature}",
                self.genuine.split('.').next().unwrap(),
                encode_segment(&self.claims_with(changes))
            )
        };
        vec![
            ("alg none, no signature", unsigned("none")),
            ("alg None, no signature", unsigned("None")),
            ("alg NONE, no signature", unsigned("NONE")),
            (
                "alg none, the genuine signature kept",
                format!("{}{genuine_signature}", unsigned("none")),
            ),
            (
                "HS256 header, empty signature",
                format!("{}.{payload}.", self.genuine.split('.').next().unwrap()),
            ),
            (
                "signed with another key",
                self.sign(
                    "HS256",
                    Algorithm::HS256,
                    b"another-secret-another-secret-another",
                    &claims,
                ),
            ),
            (
                "signed with an empty key",
                self.sign("HS256", Algorithm::HS256, b"", &claims),
            ),
            (
                "HS512 with the server's secret",
                self.sign("HS512", Algorithm::HS512, &self.secret, &claims),
            ),
            (
                "HS384 with the server's secret",
                self.sign("HS384", Algorithm::HS384, &self.secret, &claims),
            ),
            // Algorithm confusion: the header names a public-key algorithm, the signature is
            // an HMAC with the server's secret, as if it were the public key.
            (
                "RS256 header, HMAC signature with the secret",
                self.sign("RS256", Algorithm::HS256, &self.secret, &claims),
            ),
            (
                "PS256 header, HMAC signature with the secret",
                self.sign("PS256", Algorithm::HS256, &self.secret, &claims),
            ),
            (
                "ES256 header, HMAC signature with the secret",
                self.sign("ES256", Algorithm::HS256, &self.secret, &claims),
            ),
            (
                "EdDSA header, HMAC signature with the secret",
                self.sign("EdDSA", Algorithm::HS256, &self.secret, &claims),
            ),
            (
                "expired two minutes ago",
                self.honest(json!({"iat": now() - 1000, "exp": now() - 120})),
            ),
            (
                "not valid before an hour from now (nbf)",
                self.honest(json!({"nbf": now() + 3600})),
            ),
            (
                "issued an hour from now (iat)",
                self.honest(json!({"iat": now() + 3600, "exp": now() + 7200})),
            ),
            ("another issuer", self.honest(json!({"iss": "someone-else"}))),
            ("no issuer", self.honest(json!({"iss": null}))),
            ("another audience", self.honest(json!({"aud": "another-api"}))),
            (
                "an audience list without ours",
                self.honest(json!({"aud": ["another-api"]})),
            ),
            ("no audience", self.honest(json!({"aud": null}))),
            ("no exp", self.honest(json!({"exp": null}))),
            ("exp as text", self.honest(json!({"exp": (now() + 600).to_string()}))),
            (
                "payload tampered: another user",
                tampered(json!({"sub": other_user_id})),
            ),
            (
                "payload tampered: expiry extended",
                tampered(json!({"exp": now() + 30 * 24 * 3600})),
            ),
            (
                "two segments",
                format!("{}.{payload}", self.genuine.split('.').next().unwrap()),
            ),
            ("not a JWT", "not-a-token".to_string()),
        ]
    }
}

/// The admin's real token, a forger over its claims, and another user's id.
async fn forger_for(app: &TestApp) -> (Forger, String) {
    let other = app.create_user("other.officer", &["officer"]).await;
    (Forger::new(&app.settings.jwt_secret, &app.admin_token), other)
}

async fn me_with(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/api/v1/me", token).await
}

#[tokio::test]
async fn a_faithful_copy_is_accepted() {
    let app = spawn_app().await;
    let (forger, _) = forger_for(&app).await;
    let copy = forger.honest(json!({}));
    let (status, me) = json_of(me_with(&app, &copy).await).await;
    assert_eq!((status, &me["username"]), (StatusCode::OK, &json!("admin")), "{me}");
    // The claims a token carries, and the one algorithm that signs it.
    assert_eq!(forger.claims["iss"], json!(enforcement::auth::tokens::ISSUER));
    assert_eq!(forger.claims["aud"], json!(enforcement::auth::tokens::AUDIENCE));
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(app.admin_token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], json!("HS256"));
}

#[tokio::test]
async fn every_forged_or_stale_token_is_401() {
    let app = spawn_app().await;
    let (forger, other) = forger_for(&app).await;
    for (case, token) in forger.forgeries(&other) {
        let response = me_with(&app, &token).await;
        assert_eq!(
            response.headers().get("www-authenticate").map(|v| v.to_str().unwrap()),
            Some("Bearer"),
            "{case}"
        );
        let problem = expect_problem(response, StatusCode::UNAUTHORIZED).await;
        assert_eq!(problem["code"], json!("unauthenticated"), "{case}: {problem}");
        // Refused on a write, too: nothing is created with it.
        let response = app
            .post(
                "/api/v1/subjects",
                &token,
                &json!({"kind": "enterprise", "name": "伪造令牌有限公司", "uscc": "91350100M000100Y43"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{case}");
    }
    let (status, subjects) = json_of(app.get("/api/v1/subjects", &app.admin_token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(subjects["items"], json!([]), "no forged write went through");
    // The forgeries revoked nothing: the real token still works.
    assert_eq!(me_with(&app, &app.admin_token).await.status(), StatusCode::OK);
}

/// A token is read from the `Authorization` header only: in the query string (where proxies
/// and access logs keep it) or in another header it is not a credential.
#[tokio::test]
async fn a_token_outside_the_authorization_header_is_401() {
    let app = spawn_app().await;
    let token = &app.admin_token;
    for path in [
        format!("/api/v1/me?access_token={token}"),
        format!("/api/v1/me?token={token}"),
        format!("/api/v1/cases?access_token={token}"),
    ] {
        let response = app.client.get(app.url(&path)).send().await.unwrap();
        let problem = expect_problem(response, StatusCode::UNAUTHORIZED).await;
        assert_eq!(problem["code"], json!("unauthenticated"), "{path}");
    }
    for (name, value) in [
        ("x-access-token", token.to_string()),
        ("cookie", format!("access_token={token}")),
        ("authorization", token.to_string()),
        ("authorization", format!("Basic {token}")),
    ] {
        let response = app
            .client
            .get(app.url("/api/v1/me"))
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{name}");
    }
    assert_eq!(me_with(&app, token).await.status(), StatusCode::OK);
}

/// The real binary at the most verbose log level, JSON lines: after a login, a refresh, every
/// forgery in the header and in the query string, and a logout, no token, refresh token,
/// password or the secret appears in what it wrote — while the 401s themselves were logged.
#[test]
fn tokens_never_reach_the_log() {
    init_logging();
    let dir = tempfile::tempdir().unwrap();
    let (url, _db) = fresh_database(dir.path());
    let url = database_url(&url);
    let password = "a-strong-admin-password";
    let (ok, out) = enforcement(dir.path(), &url, &INIT_XF, &format!("{password}\n"));
    assert!(ok, "{out}");
    let secret = "a-log-test-secret-that-is-long-enough-5678";
    let mut server = Served::start(
        dir.path(),
        &url,
        &[
            ("ENFORCEMENT_LOG_FORMAT", "json"),
            ("RUST_LOG", "trace"),
            ("ENFORCEMENT_JWT_SECRET", secret),
        ],
    );
    let base = server.base_url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (secrets, refused) = runtime.block_on(async {
        let client = reqwest::Client::new();
        let login = |password: String| {
            let client = client.clone();
            let base = base.clone();
            async move {
                let (status, body) = json_of(
                    client
                        .post(format!("{base}/api/v1/auth/login"))
                        .json(&json!({"username": "admin", "password": password}))
                        .send()
                        .await
                        .unwrap(),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{body}");
                body
            }
        };
        let first = login(password.to_string()).await;
        let access = first["access_token"].as_str().unwrap().to_string();
        let refresh = first["refresh_token"].as_str().unwrap().to_string();
        let me = client
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), StatusCode::OK);
        let (status, rotated) = json_of(
            client
                .post(format!("{base}/api/v1/auth/refresh"))
                .json(&json!({"refresh_token": refresh}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{rotated}");
        let forger = Forger::new(secret.as_bytes(), &access);
        let mut secrets = vec![
            password.to_string(),
            secret.to_string(),
            access.clone(),
            refresh.clone(),
            rotated["access_token"].as_str().unwrap().to_string(),
            rotated["refresh_token"].as_str().unwrap().to_string(),
        ];
        let mut refused = 0;
        for (case, token) in forger.forgeries(&uuid::Uuid::now_v7().to_string()) {
            let in_header = client
                .get(format!("{base}/api/v1/me"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(in_header.status(), StatusCode::UNAUTHORIZED, "{case}");
            let in_query = client
                .get(format!("{base}/api/v1/me?access_token={token}"))
                .send()
                .await
                .unwrap();
            assert_eq!(in_query.status(), StatusCode::UNAUTHORIZED, "{case}");
            refused += 2;
            secrets.push(token);
        }
        // The genuine token in the query string, and a reused (now revoked) refresh token.
        let in_query = client
            .get(format!("{base}/api/v1/me?access_token={access}"))
            .send()
            .await
            .unwrap();
        assert_eq!(in_query.status(), StatusCode::UNAUTHORIZED);
        let reused = client
            .post(format!("{base}/api/v1/auth/refresh"))
            .json(&json!({"refresh_token": refresh}))
            .send()
            .await
            .unwrap();
        assert_eq!(reused.status(), StatusCode::UNAUTHORIZED);
        refused += 2;
        let second = login(password.to_string()).await;
        let logout = client
            .post(format!("{base}/api/v1/auth/logout"))
            .bearer_auth(second["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert!(logout.status().is_success(), "logout: {}", logout.status());
        secrets.push(second["access_token"].as_str().unwrap().to_string());
        secrets.push(second["refresh_token"].as_str().unwrap().to_string());
        (secrets, refused)
    });
    let log = server.stop_and_read_log();
    let logged_401s = log
        .lines()
        .filter(|line| line.contains("request finished") && line.contains("\"status\":401"))
        .count();
    assert!(
        logged_401s >= refused,
        "the refusals were logged ({logged_401s} of {refused}), so the log was read:\n{log}"
    );
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "a secret or token appears in the log: {secret}"
        );
        // Nor its signature alone (a token cut short in a log line still gives it away).
        if let Some(signature) = secret.rsplit('.').next().filter(|s| s.len() >= 16) {
            assert!(
                !log.contains(signature),
                "a token's signature appears in the log: {secret}"
            );
        }
    }
}
