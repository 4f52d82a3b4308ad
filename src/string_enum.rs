//! `string_enum!`: an enum of fixed words that travels as text everywhere — in JSON
//! (snake_case), in the OpenAPI document, and in the database (a `TEXT` column read and
//! written as the enum, so rows hold `CaseStatus`, not strings parsed by hand).

/// Declares `pub enum $name` with `as_str`, `parse`, `ALL`, serde, utoipa and diesel
/// (`Text` on every backend) support. An unknown word read from the database is an error.
/// `@ordered "why"` before the name also derives `PartialOrd` and `Ord` (declaration order).
macro_rules! string_enum {
    ($(#[doc = $doc:literal])* $(@ordered $ordered:literal)? $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        $(#[derive(PartialOrd, Ord)] #[doc = $ordered])?
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        // Each variant travels as its declared word: serde's snake_case would spell
        // `Hotline12345` as `hotline12345`, not `hotline_12345`.
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                match value { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        // Written by hand, not derived: utoipa's derive cannot read a `rename` whose literal
        // comes through a macro, and documented the variants' Rust names instead of their words.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let lines: &[&str] = &[$($doc),*];
                let description = lines.iter().map(|line| line.trim()).collect::<Vec<_>>().join(" ");
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description((!description.is_empty()).then_some(description))
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                Self::parse(&text)
                    .ok_or_else(|| format!("unknown {} {text:?} in the database", stringify!($name)).into())
            }
        }
    };
}
