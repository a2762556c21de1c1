//! The one table that lists the vendors. Adding a vendor is one entry here.

/// How one vendor's client is generated from its spec.
pub struct Vendor {
    /// File stem of `specs/<name>.yaml`; the crate is `crates/mitra-<name>`.
    pub name: &'static str,
    /// Component schemas replaced by hand-written types (schema name, Rust path).
    /// Used for quirks that typify cannot express, such as codes that arrive as a
    /// JSON string or a JSON number.
    pub replacements: &'static [(&'static str, &'static str)],
    /// The vendor's own JSON Schemas, kept in `specs/` as the vendor wrote them
    /// (path under `specs/`, spec component they describe). Generation fails
    /// when a component no longer agrees with its vendor schema.
    pub vendor_schemas: &'static [(&'static str, &'static str)],
}

/// Every vendor whose client is generated, in the order they are generated.
pub const VENDORS: &[Vendor] = &[
    Vendor {
        name: "pos-indonesia",
        replacements: &[("Code", "mitra_core::Code")],
        vendor_schemas: &[],
    },
    Vendor {
        name: "sempoa",
        replacements: &[("DateDmy", "mitra_core::DateDmy")],
        vendor_schemas: &[],
    },
    Vendor {
        name: "pafi",
        replacements: &[
            ("DateDmy", "mitra_core::DateDmy"),
            ("Nik", "crate::personal::Nik"),
            ("PersonName", "crate::personal::Personal"),
            ("PersonalText", "crate::personal::Personal"),
            ("BirthDate", "crate::personal::BirthDate"),
            ("Gender", "crate::personal::Gender"),
        ],
        vendor_schemas: &[
            ("pafi/token-request.schema.json", "TokenRequest"),
            ("pafi/token-response.schema.json", "TokenResponse"),
            ("pafi/error.schema.json", "ErrorBody"),
            ("pafi/kecukupan-skp.schema.json", "KecukupanSkp"),
        ],
    },
    Vendor {
        name: "elkassa",
        replacements: &[
            ("Secret", "mitra_core::SecretText"),
            ("Password", "mitra_core::SecretText"),
            ("NumericString", "mitra_core::LenientInt"),
            ("WibDateTime", "mitra_core::WibDateTime"),
            ("UserType", "crate::user::UserType"),
            ("User", "crate::user::User"),
        ],
        vendor_schemas: &[],
    },
    Vendor {
        name: "fastrac",
        replacements: &[("Flag", "mitra_core::Flag")],
        vendor_schemas: &[],
    },
];
