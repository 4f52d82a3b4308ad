//! The rules a user record must satisfy, as plain Rust.

use chrono::NaiveDate;

use crate::auth::password::check_password_strength;
use crate::auth::{Role, Roles};
use crate::error::{FieldError, check_optional_text, check_text};

/// Everything about a user that the rules look at, after a create or a patch.
#[derive(Debug, Clone)]
pub struct UserProfile {
    pub username: String,
    pub display_name: String,
    pub roles: Roles,
    pub certificate_no: Option<String>,
    pub certificate_expires_on: Option<NaiveDate>,
    pub enforcement_field: Option<String>,
    pub legal_qualification: Option<String>,
}

/// Usernames are case-insensitive: `Wang.Wu` and `wang.wu` are one account.
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

pub fn check_username(username: &str) -> Result<(), String> {
    let len = username.chars().count();
    if !(3..=64).contains(&len) {
        return Err("must be 3 to 64 characters".into());
    }
    if !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return Err("may contain only ASCII letters, digits, '.', '_' and '-'".into());
    }
    Ok(())
}

impl UserProfile {
    /// Checks the whole profile; every problem is reported, each naming its field.
    /// An officer carries a certificate number and its expiry (执法证); legal counsel
    /// carries a legal qualification (法律职业资格).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(message) = check_username(&self.username) {
            errors.push(FieldError::new("username", message));
        }
        check_text("display_name", &self.display_name, 100, &mut errors);
        check_optional_text("certificate_no", self.certificate_no.as_deref(), 64, &mut errors);
        check_optional_text("enforcement_field", self.enforcement_field.as_deref(), 100, &mut errors);
        check_optional_text(
            "legal_qualification",
            self.legal_qualification.as_deref(),
            100,
            &mut errors,
        );
        if self.roles.is_empty() {
            errors.push(FieldError::new("roles", "at least one role is required"));
        }
        if self.roles.has(Role::Officer) {
            if self.certificate_no.is_none() {
                errors.push(FieldError::new("certificate_no", "required for an officer (执法证号)"));
            }
            if self.certificate_expires_on.is_none() {
                errors.push(FieldError::new("certificate_expires_on", "required for an officer"));
            }
        }
        if self.roles.has(Role::LegalCounsel) && self.legal_qualification.is_none() {
            errors.push(FieldError::new(
                "legal_qualification",
                "required for legal counsel (法律职业资格证号)",
            ));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

pub fn check_new_password(password: &str) -> Result<(), FieldError> {
    check_password_strength(password).map_err(|message| FieldError::new("password", message))
}

/// 执法证 status as the officer register shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    Valid,
    /// Expires within 30 days.
    Expiring,
    Expired,
    Missing,
}

pub const CERTIFICATE_EXPIRY_WARNING_DAYS: i64 = 30;

/// A certificate is valid through its expiry date.
pub fn certificate_status(expires_on: Option<NaiveDate>, today: NaiveDate) -> CertificateStatus {
    match expires_on {
        None => CertificateStatus::Missing,
        Some(date) if date < today => CertificateStatus::Expired,
        Some(date) if (date - today).num_days() <= CERTIFICATE_EXPIRY_WARNING_DAYS => CertificateStatus::Expiring,
        Some(_) => CertificateStatus::Valid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(roles: &[Role]) -> UserProfile {
        UserProfile {
            username: "zhang.san".into(),
            display_name: "张三".into(),
            roles: Roles::new(roles.iter().copied()),
            certificate_no: None,
            certificate_expires_on: None,
            enforcement_field: None,
            legal_qualification: None,
        }
    }

    fn fields(result: Result<(), Vec<FieldError>>) -> Vec<String> {
        result.err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn officers_need_a_certificate_and_counsel_a_qualification() {
        assert_eq!(fields(profile(&[Role::Supervisor]).validate()), Vec::<String>::new());
        assert_eq!(
            fields(profile(&[Role::Officer]).validate()),
            vec!["certificate_no", "certificate_expires_on"]
        );
        assert_eq!(
            fields(profile(&[Role::LegalCounsel]).validate()),
            vec!["legal_qualification"]
        );
        assert_eq!(fields(profile(&[]).validate()), vec!["roles"]);
        let mut officer = profile(&[Role::Officer]);
        officer.certificate_no = Some("12010001".into());
        officer.certificate_expires_on = NaiveDate::from_ymd_opt(2027, 1, 1);
        assert!(officer.validate().is_ok());
    }

    #[test]
    fn usernames_are_plain_ascii() {
        assert!(check_username("wang_wu-2").is_ok());
        assert!(check_username("王五").is_err());
        assert!(check_username("ab").is_err());
        assert!(check_username("has space").is_err());
    }

    #[test]
    fn certificate_status_by_expiry() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let day = |d: i64| Some(today + chrono::Duration::days(d));
        assert_eq!(certificate_status(day(-1), today), CertificateStatus::Expired);
        assert_eq!(certificate_status(day(0), today), CertificateStatus::Expiring);
        assert_eq!(certificate_status(day(30), today), CertificateStatus::Expiring);
        assert_eq!(certificate_status(day(31), today), CertificateStatus::Valid);
        assert_eq!(certificate_status(None, today), CertificateStatus::Missing);
    }
}
