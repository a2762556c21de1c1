//! JSON Schemas of the wire types (feature `schema`), for tools that show
//! request and response shapes.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

macro_rules! schema {
    ($ty:ty, $name:literal, $schema:tt) => {
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

schema!(crate::Code, "Code", {"type": ["string", "integer"], "description": "A code or amount sent as a string or a number."});
schema!(crate::DateDmy, "DateDmy", {"type": "string", "pattern": "^\\d{2}-\\d{2}-\\d{4}$", "description": "A date as DD-MM-YYYY."});
schema!(crate::LenientInt, "LenientInt", {"type": ["integer", "string"], "description": "An integer, possibly sent as a string of digits."});
schema!(crate::SecretText, "SecretText", {"type": "string", "writeOnly": true, "description": "A secret."});
schema!(crate::WibDateTime, "WibDateTime", {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$", "description": "YYYY-MM-DD HH:MM:SS in WIB (UTC+7)."});
schema!(crate::Flag, "Flag", {"type": "string", "enum": ["0", "1"]});
