//! CSRF protection of the console's forms: every form carries the session's token in a
//! hidden `csrf` field (the sign-in form, before a session, the token of its own cookie);
//! a post whose field is missing or differs is refused with 403 before anything is read
//! or written. Compared in constant time.

use subtle::ConstantTimeEq;

use crate::console::ConsoleError;

/// The hidden field's name.
pub const FIELD: &str = "csrf";

/// Whether `sent` is `expected`, in time independent of where they differ.
pub fn matches(sent: &str, expected: &str) -> bool {
    !expected.is_empty() && sent.len() == expected.len() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
}

/// 403 unless the form's `csrf` field is `expected`.
pub fn check(form: &super::Form, expected: &str) -> Result<(), ConsoleError> {
    match form.get(FIELD) {
        Some(sent) if matches(sent, expected) => Ok(()),
        _ => Err(ConsoleError::Csrf),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_token_matches() {
        assert!(matches("abc123", "abc123"));
        assert!(!matches("abc124", "abc123"));
        assert!(!matches("abc12", "abc123"));
        assert!(!matches("", ""));
    }
}
