//! The rules the spec names for ELKASSA's operations: what each returns
//! (`x-mitra-returns`), the inputs a caller writes (`x-mitra-input`), and
//! the checks before sending (`x-mitra-validate`).

use mitra_core::plumbing::{FromWire, MockInput, ResponseWire, ToWire, Validate};
use mitra_core::{Error, ExposeSecret, SecretText};

use crate::client::{Activation, NewUser};
use crate::envelope::Data;
use crate::user::User;
use crate::{Client, types, validation};

fn missing_data(operation: &str) -> Error {
    Error::Decode {
        request_id: None,
        status: Some(200),
        message: format!("{operation} succeeded but returned no data"),
    }
}

/// The registration id.
impl FromWire<types::RegistrationEnvelope> for String {
    fn from_wire(envelope: types::RegistrationEnvelope) -> Result<Self, Error> {
        envelope
            .data
            .value()
            .map(|d| d.registration_id)
            .ok_or_else(|| missing_data("registration"))
    }
}

impl FromWire<types::RegistrationDataEnvelope> for types::RegistrationData {
    fn from_wire(envelope: types::RegistrationDataEnvelope) -> Result<Self, Error> {
        Ok(envelope.data.value().unwrap_or_default())
    }
}

/// `None` when ELKASSA gives no data.
impl FromWire<types::CheckUserEnvelope> for Option<types::Packet> {
    fn from_wire(envelope: types::CheckUserEnvelope) -> Result<Self, Error> {
        Ok(envelope.data.value())
    }
}

impl FromWire<types::ActivationEnvelope> for types::Activated {
    fn from_wire(envelope: types::ActivationEnvelope) -> Result<Self, Error> {
        envelope
            .data
            .value()
            .ok_or_else(|| missing_data("activation"))
    }
}

impl FromWire<types::UsersEnvelope> for Vec<User> {
    fn from_wire(envelope: types::UsersEnvelope) -> Result<Self, Error> {
        Ok(envelope.data.unwrap_or_default())
    }
}

impl ToWire<Client, types::RegistrationRequest> for NewUser {
    fn to_wire(&self, _: &Client) -> Result<types::RegistrationRequest, Error> {
        self.request()
    }
}

/// For typed mocks: no client setting shapes the body.
impl MockInput<types::RegistrationRequest> for NewUser {
    fn wire_bodies(&self) -> Vec<types::RegistrationRequest> {
        self.request().into_iter().collect()
    }
}

impl NewUser {
    fn request(&self) -> Result<types::RegistrationRequest, Error> {
        validation::password(self.password.expose_secret())?;
        Ok(types::RegistrationRequest {
            toko_name: self.toko_name.clone(),
            user_type: self.user_type.for_request()?,
            no_telp: self
                .no_telp
                .clone()
                .try_into()
                .map_err(|_| Error::validation("no_telp", "must be digits only"))?,
            email: self.email.clone(),
            password: SecretText::from(self.password.clone()),
            address: self.address.clone(),
        })
    }
}

impl Validate for types::RegistrationRequest {
    fn validate(&self) -> Result<(), Error> {
        // Read tolerantly from answers, sent only as the spec lists it.
        self.user_type.for_request()?;
        validation::required("toko_name", &self.toko_name)?;
        validation::phone(&self.no_telp)?;
        validation::email(&self.email)?;
        validation::password(self.password.expose())?;
        validation::required("address", &self.address)
    }
}

impl Validate for types::CheckUserRequest {
    fn validate(&self) -> Result<(), Error> {
        validation::email(&self.email)
    }
}

impl ToWire<Client, types::ActivationRequest> for Activation {
    fn to_wire(&self, _: &Client) -> Result<types::ActivationRequest, Error> {
        self.request()
    }
}

/// For typed mocks: no client setting shapes the body.
impl MockInput<types::ActivationRequest> for Activation {
    fn wire_bodies(&self) -> Vec<types::ActivationRequest> {
        self.request().into_iter().collect()
    }
}

impl Activation {
    fn request(&self) -> Result<types::ActivationRequest, Error> {
        let a = self;
        validation::amount("invoice_amount", &a.invoice_amount)?;
        let invalid = |field: &'static str| {
            move |_| Error::validation(field, "must be a non-negative number")
        };
        Ok(types::ActivationRequest {
            email: a.email.clone(),
            packet_id: a
                .packet_id
                .to_string()
                .try_into()
                .map_err(invalid("packet_id"))?,
            registration_id: a.registration_id.clone(),
            cabang_id: a.cabang_id.clone(),
            invoice_code: a.invoice_code.clone(),
            invoice_amount: a
                .invoice_amount
                .clone()
                .try_into()
                .map_err(invalid("invoice_amount"))?,
            payment_gateway: a.payment_gateway.clone(),
            payment_method: a.payment_method.clone(),
            payment_date: mitra_core::WibDateTime(a.payment_date).to_string(),
        })
    }
}

impl Validate for types::ActivationRequest {
    fn validate(&self) -> Result<(), Error> {
        validation::email(&self.email)?;
        for (field, value) in [
            ("registration_id", &self.registration_id),
            ("cabang_id", &self.cabang_id),
            ("invoice_code", &self.invoice_code),
            ("payment_gateway", &self.payment_gateway),
            ("payment_method", &self.payment_method),
            ("payment_date", &self.payment_date),
        ] {
            validation::required(field, value)?;
        }
        Ok(())
    }
}

// The inverses, for typed mocks (`then.ok(&users)`): ELKASSA's envelope
// around a value, so that `FromWire` gives the value back.

fn envelope<W: serde::de::DeserializeOwned>(data: serde_json::Value) -> W {
    mitra_core::plumbing::wire_from_json(
        serde_json::json!({ "status": true, "messages": "Success", "data": data }),
    )
}

impl ResponseWire<types::RegistrationEnvelope> for str {
    fn response_wire(&self) -> types::RegistrationEnvelope {
        envelope(serde_json::json!({ "registration_id": self }))
    }
}

impl ResponseWire<types::RegistrationDataEnvelope> for types::RegistrationData {
    fn response_wire(&self) -> types::RegistrationDataEnvelope {
        envelope(serde_json::json!(self))
    }
}

impl ResponseWire<types::CheckUserEnvelope> for Option<types::Packet> {
    fn response_wire(&self) -> types::CheckUserEnvelope {
        envelope(serde_json::json!(self))
    }
}

impl ResponseWire<types::ActivationEnvelope> for types::Activated {
    fn response_wire(&self) -> types::ActivationEnvelope {
        envelope(serde_json::json!(self))
    }
}

impl ResponseWire<types::UsersEnvelope> for [User] {
    fn response_wire(&self) -> types::UsersEnvelope {
        envelope(serde_json::json!(self))
    }
}
