//! The vendor registry: the one table that lists the vendors. Everything
//! else that names them is generated from it by `cargo xtask generate` (the
//! facade, the CLI's registry, the fuzz targets, the spec lint config) or
//! checked against it (the manifests that must depend on each crate), and
//! the scripts read it with `cargo xtask vendors`.

/// One vendor.
pub struct Vendor {
    /// File stem of `specs/<name>.yaml`; the crate is `crates/mitra-<name>`,
    /// the facade's feature `<name>`.
    pub name: &'static str,
    /// The vendor's name for people.
    pub title: &'static str,
    /// What its API does, in a few words (feature docs, CLI help).
    pub about: &'static str,
    /// The `mitra` CLI's subcommand.
    pub cli: &'static str,
    /// Prefix of the environment variables its `Client::from_env` reads.
    pub env_prefix: &'static str,
    /// Where the offline sandbox serves its emulator.
    pub sandbox_prefix: &'static str,
    /// The credentials the sandbox accepts, as (variable after
    /// `<env_prefix>_`, made-up value): `mitra_sandbox::credentials` and the
    /// variables of `Sandbox::env` are generated from them.
    pub sandbox_credentials: &'static [(&'static str, &'static str)],
    /// Whether `crates/mitra-sandbox/src/<cli>.rs` emulates the vendor by
    /// hand; its operations that it does not know, or every operation when
    /// there is none, are answered from the spec's examples.
    pub sandbox_emulator: bool,
    /// Folders of real example bodies, seeds for the fuzz targets.
    pub fixtures: &'static [&'static str],
    /// Redocly rules switched off for this spec, each with its reason.
    pub lint_off: &'static [(&'static str, &'static str)],
    /// Component schemas replaced by hand-written types (schema name, Rust path).
    /// Used for quirks that typify cannot express, such as codes that arrive as a
    /// JSON string or a JSON number.
    pub replacements: &'static [(&'static str, &'static str)],
    /// The vendor's own JSON Schemas, kept in `specs/` as the vendor wrote them
    /// (path under `specs/`, spec component they describe). Generation fails
    /// when a component no longer agrees with its vendor schema.
    pub vendor_schemas: &'static [(&'static str, &'static str)],
    /// The crate's error decoder, as a Rust expression (a value implementing
    /// `mitra_core::plumbing::ErrorDecoder`): its generated `fuzzing.rs` runs
    /// it. A vendor whose only rule is its envelope uses
    /// `mitra_core::envelope::EnvelopeDecoder(&crate::operations::ENVELOPE)`.
    pub decoder: &'static str,
}

impl Vendor {
    /// The crate's name.
    pub fn krate(&self) -> String {
        format!("mitra-{}", self.name)
    }

    /// The crate's name as a Rust path (`mitra_pos_indonesia`).
    pub fn krate_ident(&self) -> String {
        self.krate().replace('-', "_")
    }

    /// The facade's module and the fuzz target (`pos_indonesia`).
    pub fn ident(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// Every vendor, in the order they are listed and generated.
pub const VENDORS: &[Vendor] = &[
    Vendor {
        name: "pos-indonesia",
        title: "Pos Indonesia",
        about: "postal codes, regions, post offices, shipping fees, tracking",
        cli: "pos",
        env_prefix: "MITRA_POS",
        sandbox_prefix: "/pos",
        sandbox_credentials: &[
            ("CONSUMER_KEY", "sandbox-pos-key"),
            ("CONSUMER_SECRET", "sandbox-pos-secret"),
        ],
        sandbox_emulator: true,
        fixtures: &[
            "crates/mitra-pos-indonesia/tests/fixtures/posindonesia",
            "crates/mitra-pos-indonesia/tests/fixtures/wso2",
        ],
        lint_off: &[],
        replacements: &[
            ("Code", "mitra_core::Code"),
            ("Rupiah", "mitra_core::LenientInt"),
        ],
        vendor_schemas: &[],
        decoder: "crate::fault::PosDecoder",
    },
    Vendor {
        name: "elkassa",
        title: "ELKASSA",
        about: "point-of-sale registration, activation, users",
        cli: "elkassa",
        env_prefix: "MITRA_ELKASSA",
        sandbox_prefix: "/elkassa",
        sandbox_credentials: &[
            ("KEY", "sandbox-elkassa-key"),
            ("TOKEN", "sandbox-elkassa-token"),
        ],
        sandbox_emulator: true,
        fixtures: &[],
        lint_off: &[(
            "operation-4xx-response",
            "ELKASSA reports every error inside an HTTP 200 (`status: false`) and its \
             partner document names no 4xx response; inventing one would put words in \
             the vendor's mouth.",
        )],
        replacements: &[
            ("Secret", "mitra_core::SecretText"),
            ("Password", "mitra_core::SecretText"),
            ("NumericString", "mitra_core::LenientInt"),
            ("WibDateTime", "mitra_core::WibDateTime"),
            ("UserType", "crate::user::UserType"),
            ("User", "crate::user::User"),
        ],
        vendor_schemas: &[],
        decoder: "crate::decoder::ElkassaDecoder",
    },
    Vendor {
        name: "fastrac",
        title: "Fastrac",
        about: "courier regions, tariffs, orders, tracking",
        cli: "fastrac",
        env_prefix: "MITRA_FASTRAC",
        sandbox_prefix: "/fastrac",
        sandbox_credentials: &[
            ("ACCESS_KEY", "sandbox-fastrac-access"),
            ("SECRET_KEY", "sandbox-fastrac-secret"),
        ],
        sandbox_emulator: true,
        fixtures: &["crates/mitra-fastrac/tests/fixtures"],
        lint_off: &[],
        replacements: &[("Flag", "mitra_core::Flag")],
        vendor_schemas: &[],
        decoder: "crate::decoder::FastracDecoder",
    },
    Vendor {
        name: "pafi",
        title: "PAFI",
        about: "pharmacists' SKP sufficiency by NIK",
        cli: "pafi",
        env_prefix: "MITRA_PAFI",
        sandbox_prefix: "/pafi/api/v1",
        sandbox_credentials: &[("CLIENT_ID", "1"), ("CLIENT_SECRET", "sandbox-pafi-secret")],
        sandbox_emulator: true,
        fixtures: &[],
        lint_off: &[],
        replacements: &[
            // A date that does not parse is kept as sent (PAFI's schema says string).
            ("DateDmy", "mitra_core::Lenient<mitra_core::DateDmy>"),
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
        decoder: "crate::decoder::PafiDecoder",
    },
    Vendor {
        name: "sempoa",
        title: "Sempoa",
        about: "chart of accounts, general journals",
        cli: "sempoa",
        env_prefix: "MITRA_SEMPOA",
        sandbox_prefix: "/sempoa/api/integration",
        sandbox_credentials: &[("TOKEN", "sandbox-sempoa-token")],
        sandbox_emulator: true,
        fixtures: &["crates/mitra-sempoa/tests/fixtures"],
        lint_off: &[],
        replacements: &[("DateDmy", "mitra_core::DateDmy")],
        vendor_schemas: &[],
        decoder: "crate::decoder::SempoaDecoder",
    },
];
